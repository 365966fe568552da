/**
 * Bus and database outages mid-run, on a private NATS server and a private PostgreSQL that
 * this file may stop and start (never the shared ones).
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../src/database/embedded/embedded-postgres';
import { runMigrations } from '../../src/database/migrate';
import { NatsServerProcess } from '../bus/nats-server-process';
import { ProcessCluster } from '../support/cluster';
import { HttpSink } from '../support/http-sink';
import { uniqueNatsPrefix } from '../support/services';
import { eventually } from '../support/wait';

const quiet = { log: () => undefined, warn: () => undefined };
const pgDir = mkdtempSync(join(tmpdir(), 'sf-outage-pg-'));
chmodSync(pgDir, 0o755);
let postgres: Awaited<ReturnType<typeof startEmbeddedPostgres>>;
let nats: NatsServerProcess;
let cluster: ProcessCluster;
let sink: HttpSink;

beforeAll(async () => {
  postgres = await startEmbeddedPostgres({ dataDir: pgDir, logger: quiet });
  await runMigrations(postgres.url);
  nats = new NatsServerProcess();
  await nats.start();
  sink = await new HttpSink().start();
  cluster = new ProcessCluster({ databaseUrl: postgres.url, natsUrl: nats.url, natsPrefix: uniqueNatsPrefix() });
  await cluster.startApi();
  cluster.startPlanner('planner');
  cluster.startWorker('w1', { WORKER_CONCURRENCY: '8' });
  cluster.startWorker('w2', { WORKER_CONCURRENCY: '8' });
  await cluster.ready(2);
});

afterEach(({ task }) => {
  if (task.result?.state === 'fail') console.error(cluster.logs());
});

afterAll(async () => {
  await cluster?.stopAll();
  await sink?.stop();
  await nats?.dispose();
  await postgres?.stop();
  rmSync(pgDir, { recursive: true, force: true });
});

async function wideRun(name: string): Promise<string> {
  sink.on(`/${name}`, () => ({ status: 200, json: { ok: true }, delayMs: 200 }));
  await cluster.api.createJob({
    name,
    steps: [
      { key: 'work', handler: 'http', params: { url: `${sink.url}/${name}` }, shards: 60 },
      { key: 'join', handler: 'noop', dependsOn: ['work'] },
    ],
  });
  const runId = await cluster.api.trigger(name);
  await sink.waitFor(`/${name}`, 10);
  return runId;
}

describe('outages mid-run', () => {
  it('NATS restarted: workers and the planner reconnect, and no task or result is lost', async () => {
    const runId = await wideRun('nats-restart');
    await nats.stop();
    await nats.start();
    const run = await cluster.api.finished(runId, 90_000);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.steps.map((s) => s.succeeded)).toEqual([60, 1]);
    // Every task has exactly one successful attempt, whatever the outage cost.
    expect(
      run.tasks.every(
        (t) => t.status === 'SUCCEEDED' && t.attempts.filter((a) => a.status === 'SUCCEEDED').length === 1,
      ),
    ).toBe(true);
  });

  it('PostgreSQL restarted: the planner stops leading until it can write, then resumes the run', async () => {
    const runId = await wideRun('pg-restart');
    const before = await cluster.view();
    const seen = cluster.get('planner').output().length;
    await postgres.stop();
    // While the database is down the api says it is not ready, and the leader stops leading.
    expect((await fetch(`${cluster.api.baseUrl}/readyz`)).status).toBe(503);
    await eventually(
      async () => (/leader loop ended/.test(cluster.get('planner').output().slice(seen)) ? true : undefined),
      { what: 'the leader to stop leading while the database is down', timeoutMs: 30_000 },
    );
    postgres = await startEmbeddedPostgres({ dataDir: pgDir, logger: quiet });
    await eventually(async () => ((await fetch(`${cluster.api.baseUrl}/readyz`)).status === 200 ? true : undefined), {
      what: 'the api to be ready again',
    });
    const run = await cluster.api.finished(runId, 90_000);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.steps.map((s) => s.succeeded)).toEqual([60, 1]);
    const after = await cluster.view();
    // It led again after the outage, under a new epoch.
    expect(after.cluster.epoch).toBeGreaterThan(before.cluster.epoch);
  });
});
