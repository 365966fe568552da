/**
 * After the chaos: every run checked against PostgreSQL (queried directly) and against what
 * the handlers actually executed (the sink's record of each execution).
 */
import { hostname } from 'node:os';
import type { TestDatabase } from '../support/database';
import { CHAOS_KINDS, type ChaosKind } from './chaos-options';
import { CHAOS_JOBS, type SinkExecution, type Trigger } from './chaos-load';
import type { ChaosEvent } from './chaos-monkey';
import { readFenceAudit } from './fence-audit';

const FINAL_RUN = ['SUCCEEDED', 'FAILED', 'CANCELLED'];
const FINAL_TASK = ['SUCCEEDED', 'FAILED', 'CANCELLED', 'SKIPPED'];

interface RunRow {
  id: string;
  job_name: string;
  trigger: string;
  status: string;
  scheduled_at: Date | null;
}
interface TaskRow {
  id: string;
  run_id: string;
  step_key: string;
  shard_index: number;
  status: string;
  attempt: number;
  lost: number;
  error: string | null;
}
interface AttemptRow {
  task_id: string;
  number: number;
  worker_id: string | null;
  status: string;
  started_at: Date | null;
  finished_at: Date | null;
  error: string | null;
}
interface StepRow {
  run_id: string;
  step_key: string;
  phase: string;
  shards: number;
  succeeded: number;
  failed: number;
  skipped: number;
  cancelled: number;
}

export interface Distribution {
  count: number;
  p50: number | null;
  max: number | null;
}

export interface ChaosReport {
  seed: number;
  profile: string;
  chaosSeconds: number;
  totalSeconds: number;
  disruptions: Record<ChaosKind, number>;
  actionsSkipped: number;
  runsExpected: number;
  runsCompleted: number;
  runsSucceeded: number;
  runsFailed: number;
  scheduleRuns: number;
  manualRuns: number;
  skippedFires: number;
  triggersMissing: number;
  triggersRefused: number;
  tasks: number;
  tasksLost: number;
  tasksCompletedTwice: number;
  stepCountersOff: number;
  runsWithWrongStatus: number;
  tasksFailedLost3: number;
  tasksFailedUnexplained: number;
  executions: number;
  countedExecutions: number;
  extraOfLost: number;
  extraOfStale: number;
  extraUnexplained: number;
  /** Of the unexplained: executions that started after their attempt had ended (redeliveries). */
  extraAfterEnd: number;
  attemptsWithoutExecution: number;
  attemptsLost: number;
  attemptsLostWithoutKill: number;
  /** Lost attempts by the leader's reason: silent worker, handed back, claim a live worker no longer runs, other. */
  lostBy: { silent: number; handedBack: number; notRunning: number; other: number };
  /** Lost attempts whose worker's result came late and had succeeded: finished work done again. */
  staleSucceeded: number;
  /** Facts worth a look that no check fails on. */
  observations: string[];
  staleResults: number;
  handlerFailures: number;
  firesDuplicated: number;
  fenceViolations: number;
  fencedStatements: number;
  workerKillFailover: Distribution;
  workerTermFailover: Distribution;
  workerKillsHittingTasks: number;
  leaderKillFailover: Distribution;
  leaderStopFailover: Distribution;
  leaderTakeoversMissed: number;
  /** Leader loops that ended on an error of their own (not a lost lease). */
  leaderCrashes: number;
  /** The lease epoch at the end, and how many of its changes no kill or stop explains. */
  finalEpoch: number;
  epochsUnexplained: number;
  /** SIGTERMed workers that had not exited within the grace period + 15 s (then killed). */
  gracefulStopsHung: number;
  /** SIGTERMed workers that exited with a non-zero code. */
  gracefulStopsFailed: number;
  stopsWithoutTakeover: number;
  natsDown: Distribution;
  /** The machine's 1-minute load average during the chaos (2 cores: above 2 means waiting for CPU). */
  load: { mean: number | null; max: number | null };
  /** Evidence for every must-be-zero check that is not zero (capped per check). */
  evidence: string[];
}

export interface AuditInput {
  db: TestDatabase;
  seed: number;
  profile: string;
  executions: SinkExecution[];
  triggers: Trigger[];
  events: ChaosEvent[];
  chaosSeconds: number;
  totalSeconds: number;
  /** The machine's 1-minute load average at each disruption. */
  loads?: number[];
  /** Leader loops that ended on an error of their own, by message. */
  leaderCrashes?: Map<string, number>;
  /** Lines of the processes' output that mention `text`, for evidence. */
  logsMentioning?: (text: string) => string[];
}

export function distribution(values: number[]): Distribution {
  if (values.length === 0) return { count: 0, p50: null, max: null };
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, p50: sorted[Math.floor((sorted.length - 1) / 2)], max: sorted[sorted.length - 1] };
}

const isLostError = (e: string | null) => e !== null && e.startsWith('lost:');
const isStale = (e: string | null) => e !== null && e.includes('late result');
const attemptKey = (taskId: string, n: number) => `${taskId}#${n}`;
const LOST_SILENT = /^lost: worker \S+ silent for/;
const LOST_HANDED_BACK = /^lost: worker \S+ stopped and handed it back/;
const LOST_NOT_RUNNING = /^lost: worker \S+ no longer runs it/;

/**
 * Lost attempts whose late result had succeeded, with what happened to their worker: a kill or
 * a stop explains them; a worker that was neither means a live worker's finished task was
 * failed over.
 */
function observations(stale: AttemptRow[], events: ChaosEvent[], host: string): string[] {
  const signalled = new Map(
    events.filter((e) => e.pid !== null && e.at !== null).map((e) => [`${host}-${e.pid}-`, e] as const),
  );
  const unexplained = stale.filter((a) => ![...signalled.keys()].some((prefix) => a.worker_id?.startsWith(prefix)));
  if (unexplained.length === 0) return [];
  return [
    `${unexplained.length} attempt(s) were failed over although their worker was neither killed nor stopped, and had succeeded; e.g.:`,
    ...unexplained
      .slice(0, 5)
      .map(
        (a) =>
          `  ${a.task_id}#${a.number} on ${a.worker_id}, claimed ${a.started_at?.toISOString()}, failed over ${a.finished_at?.toISOString()}: ${a.error}`,
      ),
  ];
}

class Evidence {
  readonly lines: string[] = [];
  private readonly perCheck = new Map<string, number>();
  add(check: string, line: string): void {
    const n = (this.perCheck.get(check) ?? 0) + 1;
    this.perCheck.set(check, n);
    if (n <= 8) this.lines.push(`${check}: ${line}`);
    else if (n === 9) this.lines.push(`${check}: … (more left out)`);
  }
}

export async function auditChaos(input: AuditInput): Promise<ChaosReport> {
  const { db } = input;
  const evidence = new Evidence();
  const runs = await db.query<RunRow>(`SELECT id, job_name, trigger, status, scheduled_at FROM runs`);
  const tasks = await db.query<TaskRow>(
    `SELECT id, run_id, step_key, shard_index, status, attempt, lost, error FROM tasks`,
  );
  const attempts = await db.query<AttemptRow>(
    `SELECT task_id, number, worker_id, status, started_at, finished_at, error FROM attempts ORDER BY task_id, number`,
  );
  const steps = await db.query<StepRow>(
    `SELECT run_id, step_key, phase, shards, succeeded, failed, skipped, cancelled FROM run_steps`,
  );
  const duplicates = await db.query<{ job_name: string; scheduled_at: Date; n: string }>(
    `SELECT job_name, scheduled_at, count(*) AS n FROM runs WHERE trigger IN ('SCHEDULE', 'BACKFILL')
      GROUP BY job_name, scheduled_at HAVING count(*) > 1`,
  );
  const [fires] = await db.query<{ skipped: string }>(
    `SELECT coalesce(sum(skipped_fires), 0) AS skipped FROM jobs WHERE deleted_at IS NULL`,
  );
  const fence = await readFenceAudit(db);
  const [lease] = await db.query<{ epoch: string }>(`SELECT epoch FROM planner_lease WHERE name = 'leader'`);

  const runById = new Map(runs.map((r) => [r.id, r]));
  const tasksByRun = new Map<string, TaskRow[]>();
  for (const t of tasks) tasksByRun.set(t.run_id, [...(tasksByRun.get(t.run_id) ?? []), t]);
  const attemptsByTask = new Map<string, AttemptRow[]>();
  for (const a of attempts) attemptsByTask.set(a.task_id, [...(attemptsByTask.get(a.task_id) ?? []), a]);
  const attemptByKey = new Map(attempts.map((a) => [attemptKey(a.task_id, a.number), a]));
  const stepsByRun = new Map<string, StepRow[]>();
  for (const s of steps) stepsByRun.set(s.run_id, [...(stepsByRun.get(s.run_id) ?? []), s]);
  const execByAttempt = new Map<string, SinkExecution[]>();
  for (const e of input.executions) {
    const key = attemptKey(e.taskId, e.attempt);
    execByAttempt.set(key, [...(execByAttempt.get(key) ?? []), e]);
  }

  // Runs: every run final; every trigger the api acknowledged has its run.
  const runsCompleted = runs.filter((r) => FINAL_RUN.includes(r.status));
  for (const r of runs.filter((r) => !FINAL_RUN.includes(r.status))) {
    evidence.add('runs not final', `run ${r.id} (${r.job_name}, ${r.trigger}) is ${r.status}`);
  }
  let triggersMissing = 0;
  for (const t of input.triggers) {
    if (t.runId && !runById.has(t.runId)) {
      triggersMissing += 1;
      evidence.add('runs lost', `trigger #${t.n} of ${t.job} answered run ${t.runId}, which is not in runs`);
    }
  }

  // Tasks lost: not final, or never made although the run is over; step counters that disagree.
  let tasksLost = 0;
  let stepCountersOff = 0;
  let runsWithWrongStatus = 0;
  for (const t of tasks.filter((t) => !FINAL_TASK.includes(t.status))) {
    tasksLost += 1;
    const run = runById.get(t.run_id);
    evidence.add(
      'tasks lost',
      `task ${t.id} (run ${t.run_id} ${run?.job_name} ${run?.status}, ${t.step_key}[${t.shard_index}]) is ${t.status} at attempt ${t.attempt}`,
    );
  }
  for (const run of runsCompleted) {
    const job = CHAOS_JOBS.find((j) => j.name === run.job_name);
    if (!job) continue;
    const runTasks = tasksByRun.get(run.id) ?? [];
    const runSteps = new Map((stepsByRun.get(run.id) ?? []).map((s) => [s.step_key, s]));
    for (const step of job.steps) {
      const row = runSteps.get(step.key);
      const made = runTasks.filter((t) => t.step_key === step.key);
      const count = (status: string) => made.filter((t) => t.status === status).length;
      if (run.status !== 'CANCELLED' && (!row || (row.phase !== 'EXPANDED' && row.phase !== 'SKIPPED'))) {
        tasksLost += step.shards - made.length;
        evidence.add(
          'tasks lost',
          `run ${run.id} (${run.job_name}) is ${run.status} but step ${step.key} is ${row?.phase ?? 'missing'}`,
        );
        continue;
      }
      if (row?.phase === 'EXPANDED' && made.length !== step.shards) {
        tasksLost += Math.max(0, step.shards - made.length);
        evidence.add('tasks lost', `run ${run.id} step ${step.key}: ${made.length} of ${step.shards} tasks made`);
      }
      if (
        row &&
        row.phase === 'EXPANDED' &&
        (row.succeeded !== count('SUCCEEDED') || row.failed !== count('FAILED') || row.cancelled !== count('CANCELLED'))
      ) {
        stepCountersOff += 1;
        evidence.add(
          'step counters off',
          `run ${run.id} step ${step.key}: run_steps says ${row.succeeded}/${row.failed}/${row.cancelled} succeeded/failed/cancelled, tasks say ${count('SUCCEEDED')}/${count('FAILED')}/${count('CANCELLED')}`,
        );
      }
    }
    const anyFailed = runTasks.some((t) => t.status === 'FAILED');
    const allSucceeded = runTasks.every((t) => t.status === 'SUCCEEDED' || t.status === 'SKIPPED');
    if ((run.status === 'SUCCEEDED' && !allSucceeded) || (run.status === 'FAILED' && !anyFailed)) {
      runsWithWrongStatus += 1;
      evidence.add('runs with a wrong final status', `run ${run.id} (${run.job_name}) is ${run.status}`);
    }
  }

  // Completed twice: two attempts that both succeeded, work after a success, or a success with no
  // successful attempt behind it.
  let tasksCompletedTwice = 0;
  let tasksFailedLost3 = 0;
  let tasksFailedUnexplained = 0;
  for (const t of tasks) {
    const list = attemptsByTask.get(t.id) ?? [];
    const succeeded = list.filter((a) => a.status === 'SUCCEEDED');
    const sinkSucceeded = new Set(
      succeeded.filter((a) => (execByAttempt.get(attemptKey(t.id, a.number)) ?? []).some((e) => e.status === 200)),
    );
    const after = succeeded.length ? list.filter((a) => a.number > succeeded[0].number) : [];
    if (succeeded.length > 1 || after.length > 0 || (t.status === 'SUCCEEDED' && succeeded.length !== 1)) {
      tasksCompletedTwice += 1;
      evidence.add(
        'tasks completed twice',
        `task ${t.id} (${t.step_key}[${t.shard_index}], ${t.status}): attempts ${list
          .map((a) => `${a.number}=${a.status}`)
          .join(' ')}; sink saw successful executions of ${sinkSucceeded.size} of the successful attempts`,
      );
    }
    if (t.status === 'FAILED') {
      if (t.error?.startsWith('lost ')) tasksFailedLost3 += 1;
      else {
        tasksFailedUnexplained += 1;
        evidence.add(
          'tasks failed unexplained',
          `task ${t.id} (run ${t.run_id}, ${t.step_key}[${t.shard_index}]) failed: ${t.error}; attempts ${list
            .map((a) => `${a.number}=${a.status}${a.error ? ` (${a.error.slice(0, 80)})` : ''}`)
            .join(', ')}`,
        );
      }
    }
  }

  // Executions: each attempt that ended by a handler result accounts for one; the rest must belong
  // to lost attempts or stale ones.
  let countedExecutions = 0;
  let extraOfLost = 0;
  let extraOfStale = 0;
  let extraUnexplained = 0;
  let extraAfterEnd = 0;
  let attemptsWithoutExecution = 0;
  for (const [key, execs] of execByAttempt) {
    const a = attemptByKey.get(key);
    if (!a) {
      extraUnexplained += execs.length;
      evidence.add(
        'executions unexplained',
        `sink ran ${key} (${execs[0].jobName}/${execs[0].stepKey}) ${execs.length}× but attempts has no such attempt`,
      );
      continue;
    }
    const counted = a.status === 'SUCCEEDED' || (a.status === 'FAILED' && !isLostError(a.error)) ? 1 : 0;
    countedExecutions += Math.min(counted, execs.length);
    const extra = execs.length - counted;
    if (extra <= 0) continue;
    if (isLostError(a.error)) extraOfLost += extra;
    else if (isStale(a.error)) extraOfStale += extra;
    else {
      extraUnexplained += extra;
      const ended = a.finished_at?.getTime() ?? Infinity;
      const late = execs.filter((e) => e.at > ended);
      extraAfterEnd += late.length;
      const logged = input.logsMentioning?.(a.task_id) ?? [];
      const why =
        a.status === 'QUEUED' || a.status === 'RUNNING'
          ? `; the attempt never ended`
          : late.length
            ? `; ran again ${((late[0].at - ended) / 1000).toFixed(1)} s after the attempt had ended (a redelivery of a finished attempt)`
            : '';
      evidence.add(
        'executions unexplained',
        `attempt ${key} (${execs[0].jobName}/${execs[0].stepKey}[${execs[0].shardIndex}], run ${execs[0].runId}) is ${a.status}${a.error ? ` (${a.error.slice(0, 120)})` : ''} on ${a.worker_id} (claimed ${a.started_at?.toISOString()}, finished ${a.finished_at?.toISOString()}), executed ${execs.length}×: ${execs.map((e) => `${e.status} at ${new Date(e.at).toISOString()}`).join(', ')}${why}${logged.length ? `; logs: ${logged.slice(0, 4).join(' | ')}` : ''}`,
      );
    }
  }
  for (const a of attempts) {
    const ended = a.status === 'SUCCEEDED' || (a.status === 'FAILED' && !isLostError(a.error) && a.worker_id !== null);
    if (!ended) continue;
    const execs = execByAttempt.get(attemptKey(a.task_id, a.number)) ?? [];
    const wanted = a.status === 'SUCCEEDED' ? 200 : 500;
    if (!execs.some((e) => e.status === wanted)) {
      attemptsWithoutExecution += 1;
      evidence.add(
        'attempts without an execution',
        `attempt ${a.task_id}#${a.number} is ${a.status} on ${a.worker_id} but the sink answered ${execs.map((e) => e.status).join(', ') || 'nothing'}`,
      );
    }
  }

  // Fires: at most one run per job and fire time.
  for (const d of duplicates) {
    evidence.add('fires duplicated', `${d.job_name} at ${d.scheduled_at.toISOString()} has ${d.n} runs`);
  }
  for (const v of fence.violations) {
    evidence.add(
      'writes by a deposed leader',
      `${v.operation} on ${v.table_name} at ${v.at.toISOString()} by epoch ${v.writer_epoch} while the lease was at ${v.lease_epoch}`,
    );
  }

  // Time to fail over. Workers: signal → the new attempt of each task it held claimed (DB).
  const host = hostname();
  const lostAttempts = attempts.filter((a) => isLostError(a.error));
  const staleSucceeded = lostAttempts.filter((a) => a.error?.includes('late result (succeeded)'));
  const attributed = new Set<AttemptRow>();
  const workerFailover = (kind: ChaosKind) => {
    const times: number[] = [];
    let hitting = 0;
    for (const e of input.events.filter((e) => e.action.kind === kind && e.at !== null && e.pid !== null)) {
      const prefix = `${host}-${e.pid}-`;
      // Lost by this signal: failed over after it (not earlier, for another reason).
      const lost = lostAttempts.filter(
        (a) => a.worker_id?.startsWith(prefix) && (a.finished_at?.getTime() ?? 0) >= (e.at ?? 0),
      );
      lost.forEach((a) => attributed.add(a));
      const next = lost
        .map((a) => attemptByKey.get(attemptKey(a.task_id, a.number + 1))?.started_at ?? null)
        .filter((d): d is Date => d !== null);
      if (lost.length) hitting += 1;
      if (next.length) times.push(Math.max(...next.map((d) => d.getTime())) - (e.at ?? 0));
    }
    return { times, hitting };
  };
  const killed = workerFailover('kill-worker');
  const termed = workerFailover('term-worker');
  const leaderTimes = (kind: ChaosKind) =>
    input.events
      .filter((e) => e.action.kind === kind && typeof e.takeoverMs === 'number')
      .map((e) => e.takeoverMs as number);
  const missed = input.events.filter(
    (e) =>
      (e.action.kind === 'kill-leader' || e.action.kind === 'stop-leader') && e.at !== null && e.takeoverMs == null,
  );
  for (const e of missed) {
    evidence.add(
      'leader takeovers missed',
      `#${e.action.index + 1} ${e.action.kind} of ${e.target} (epoch ${e.epochBefore}): no new leader`,
    );
  }

  const terms = input.events.filter((e) => e.action.kind === 'term-worker' && e.at !== null);
  for (const e of terms.filter((e) => e.note?.startsWith('did not exit'))) {
    evidence.add('graceful stops hung', `#${e.action.index + 1} SIGTERM ${e.target} (pid ${e.pid}): ${e.note}`);
  }
  const disruptions = Object.fromEntries(CHAOS_KINDS.map((k) => [k, 0])) as Record<ChaosKind, number>;
  for (const e of input.events) if (e.at !== null) disruptions[e.action.kind] += 1;
  let crashCount = 0;
  for (const [message, n] of input.leaderCrashes ?? []) {
    crashCount += n;
    evidence.add('leader loop crashes', `${n}× "${message}"`);
  }

  return {
    seed: input.seed,
    profile: input.profile,
    chaosSeconds: input.chaosSeconds,
    totalSeconds: input.totalSeconds,
    disruptions,
    actionsSkipped: input.events.filter((e) => e.at === null).length,
    runsExpected: runs.length,
    runsCompleted: runsCompleted.length,
    runsSucceeded: runs.filter((r) => r.status === 'SUCCEEDED').length,
    runsFailed: runs.filter((r) => r.status === 'FAILED').length,
    scheduleRuns: runs.filter((r) => r.trigger === 'SCHEDULE').length,
    manualRuns: runs.filter((r) => r.trigger === 'MANUAL').length,
    skippedFires: Number(fires?.skipped ?? 0),
    triggersMissing,
    triggersRefused: input.triggers.filter((t) => t.error !== null).length,
    tasks: tasks.length,
    tasksLost,
    tasksCompletedTwice,
    stepCountersOff,
    runsWithWrongStatus,
    tasksFailedLost3,
    tasksFailedUnexplained,
    executions: input.executions.length,
    countedExecutions,
    extraOfLost,
    extraOfStale,
    extraUnexplained,
    extraAfterEnd,
    attemptsWithoutExecution,
    attemptsLost: lostAttempts.length,
    attemptsLostWithoutKill: lostAttempts.filter((a) => !attributed.has(a)).length,
    staleResults: attempts.filter((a) => isStale(a.error)).length,
    lostBy: {
      silent: lostAttempts.filter((a) => LOST_SILENT.test(a.error ?? '')).length,
      handedBack: lostAttempts.filter((a) => LOST_HANDED_BACK.test(a.error ?? '')).length,
      notRunning: lostAttempts.filter((a) => LOST_NOT_RUNNING.test(a.error ?? '')).length,
      other: lostAttempts.filter(
        (a) => ![LOST_SILENT, LOST_HANDED_BACK, LOST_NOT_RUNNING].some((r) => r.test(a.error ?? '')),
      ).length,
    },
    staleSucceeded: staleSucceeded.length,
    observations: observations(staleSucceeded, input.events, host),
    handlerFailures: attempts.filter((a) => a.status === 'FAILED' && !isLostError(a.error)).length,
    firesDuplicated: duplicates.reduce((s, d) => s + Number(d.n) - 1, 0),
    fenceViolations: fence.violations.length,
    fencedStatements: fence.statements,
    workerKillFailover: distribution(killed.times),
    workerTermFailover: distribution(termed.times),
    workerKillsHittingTasks: killed.hitting,
    leaderKillFailover: distribution(leaderTimes('kill-leader')),
    leaderStopFailover: distribution(leaderTimes('stop-leader')),
    leaderTakeoversMissed: missed.length,
    leaderCrashes: crashCount,
    finalEpoch: Number(lease?.epoch ?? 0),
    // The first leader takes epoch 1; each kill or stop of a leader should add one.
    epochsUnexplained: Math.max(
      0,
      Number(lease?.epoch ?? 0) - 1 - disruptions['kill-leader'] - disruptions['stop-leader'],
    ),
    gracefulStopsHung: terms.filter((e) => e.note?.startsWith('did not exit')).length,
    gracefulStopsFailed: terms.filter((e) => typeof e.exitCode === 'number' && e.exitCode !== 0).length,
    stopsWithoutTakeover: input.events.filter(
      (e) => e.action.kind === 'stop-leader' && e.tookOverWhileStopped === false,
    ).length,
    natsDown: distribution(
      input.events.filter((e) => typeof e.natsDownMs === 'number').map((e) => e.natsDownMs as number),
    ),
    load: {
      mean: input.loads?.length ? input.loads.reduce((a, b) => a + b, 0) / input.loads.length : null,
      max: input.loads?.length ? Math.max(...input.loads) : null,
    },
    evidence: evidence.lines,
  };
}
