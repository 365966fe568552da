/**
 * One chaos run: a fresh database, a private NATS server, an api, three planners and three
 * workers as processes; a mixed load; the kill schedule; then every run must finish and is
 * audited. Returns the report (the caller prints the table and asserts the checks).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NatsServerProcess } from '../bus/nats-server-process';
import { ProcessCluster } from '../support/cluster';
import type { TestDatabase } from '../support/database';
import { HttpSink } from '../support/http-sink';
import { uniqueNatsPrefix } from '../support/services';
import { eventually } from '../support/wait';
import { auditChaos, type ChaosReport } from './chaos-audit';
import { ChaosLoad } from './chaos-load';
import { ChaosMonkey } from './chaos-monkey';
import type { ChaosOptions } from './chaos-options';
import { chaosPlan, describePlan } from './chaos-plan';
import { chaosChecks } from './chaos-table';
import { snapshotDist } from './dist-snapshot';
import { installFenceAudit } from './fence-audit';

export interface ChaosOutcome {
  report: ChaosReport;
  /** Where every process's output was written when a check failed; null otherwise. */
  logDir: string | null;
}

async function activeRuns(db: TestDatabase): Promise<number> {
  const [row] = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM runs WHERE status IN ('QUEUED', 'RUNNING') AND trigger = 'MANUAL'`,
  );
  return Number(row.n);
}

/** The database's sessions that are in a transaction or waiting on a lock: who blocks whom. */
async function sessions(db: TestDatabase): Promise<string> {
  const rows = await db.query<{
    pid: number;
    state: string;
    wait: string | null;
    blocked_by: number[];
    xact_ms: string | null;
    query: string;
  }>(
    `SELECT pid, state, wait_event_type || ':' || wait_event AS wait, pg_blocking_pids(pid) AS blocked_by,
            round(extract(epoch FROM clock_timestamp() - xact_start) * 1000)::text AS xact_ms,
            left(regexp_replace(query, '\\s+', ' ', 'g'), 100) AS query
       FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL`,
  );
  return rows
    .map(
      (r) =>
        `[pid ${r.pid} ${r.state}${r.wait ? ` waiting ${r.wait}` : ''}${r.blocked_by.length ? ` blocked by ${r.blocked_by.join(',')}` : ''}, in transaction ${r.xact_ms} ms: ${r.query}]`,
    )
    .join(' ');
}

/** Waits (bounded) until no run is QUEUED or RUNNING. */
async function drain(db: TestDatabase, timeoutMs: number, log: (line: string) => void): Promise<void> {
  const started = Date.now();
  await eventually(
    async () => {
      const [row] = await db.query<{ n: string }>(
        `SELECT count(*) AS n FROM runs WHERE status IN ('QUEUED', 'RUNNING')`,
      );
      return Number(row.n) === 0 ? true : undefined;
    },
    { timeoutMs, everyMs: 250, what: 'every run to finish' },
  ).then(
    () => log(`every run finished ${((Date.now() - started) / 1000).toFixed(1)} s after the chaos`),
    (err: Error) => log(`${err.message}: the audit reports what is left`),
  );
}

export async function runChaos(
  options: ChaosOptions,
  db: TestDatabase,
  log: (line: string) => void,
): Promise<ChaosOutcome> {
  const started = Date.now();
  const plan = chaosPlan(options);
  log(
    `chaos: seed ${options.seed} (CHAOS_SEED=${options.seed} repeats this schedule), profile ${options.profile}, ` +
      `at most ${options.kills} disruptions in ${options.seconds} s: ${describePlan(plan)}`,
  );
  await installFenceAudit(db);
  const build = await snapshotDist();
  const nats = new NatsServerProcess();
  await nats.start();
  const sink = await new HttpSink().start();
  const cluster = new ProcessCluster({
    databaseUrl: db.url,
    natsUrl: nats.url,
    natsPrefix: uniqueNatsPrefix(),
    root: build.root,
    env: {
      SHARDFLOW_LEASE_MS: String(options.leaseMs),
      SHARDFLOW_WORKER_TIMEOUT_MS: String(options.workerTimeoutMs),
      SHARDFLOW_WORKER_STOP_GRACE_MS: String(options.workerStopGraceMs),
    },
  });
  const logDir = mkdtempSync(join(tmpdir(), `shardflow-chaos-${options.seed}-`));
  log(`process logs, as they come: ${logDir}`);
  const monkey = new ChaosMonkey(cluster, nats, options, log, logDir, () => sessions(db));
  let keepLogs = true;
  try {
    await cluster.startApi();
    monkey.capture('api', cluster.get('api'));
    monkey.startAll();
    await cluster.ready(3);
    const load = new ChaosLoad(cluster.api, sink, options, () => activeRuns(db));
    await load.createJobs();
    load.start();
    const chaosStarted = Date.now();
    try {
      await monkey.run(plan, chaosStarted);
    } finally {
      await load.stop();
    }
    await load.pauseSchedules();
    const chaosSeconds = (Date.now() - chaosStarted) / 1000;
    log(
      `chaos over after ${chaosSeconds.toFixed(0)} s (${load.triggers.length} manual triggers); restoring the cluster`,
    );
    await monkey.restore();
    // A wedged cluster will not finish its runs: a short look is enough to show it.
    await drain(db, (monkey.wedged ? Math.min(30, options.drainSeconds) : options.drainSeconds) * 1000, log);
    const report = await auditChaos({
      db,
      seed: options.seed,
      profile: options.profile,
      executions: load.executions,
      triggers: load.triggers,
      events: monkey.events,
      logsMentioning: (text) => monkey.logsMentioning(text),
      loads: monkey.loads,
      leaderCrashes: monkey.leaderCrashes(),
      chaosSeconds,
      totalSeconds: (Date.now() - started) / 1000,
    });
    keepLogs = chaosChecks(report).some((c) => !c.ok) || options.keepLogs;
    return { report, logDir: keepLogs ? logDir : null };
  } catch (err) {
    throw new Error(`${(err as Error).message} (process logs in ${logDir})`, { cause: err });
  } finally {
    await cluster.stopAll();
    await sink.stop();
    await nats.dispose();
    build.dispose();
    if (!keepLogs) rmSync(logDir, { recursive: true, force: true });
  }
}
