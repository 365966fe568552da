import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import {
  MAX_OUTPUT_BYTES,
  type ClaimMessage,
  type PlannerEvent,
  type ResultMessage,
} from '../../libs/contracts/messages';
import { expandShards } from '../../libs/dag/shards';
import {
  decideClaim,
  decideLost,
  decideResult,
  isFinalTaskStatus,
  type TaskSnapshot,
} from '../../libs/dag/task-transitions';
import type { JobsService } from '../jobs/jobs.service';
import type { ActiveRun, RunBook } from './run-book';
import { cancelRunTasks, lockCancelRequests, lockQueuedRuns, succeededShards } from './sql/run-rows.sql';
import { lockDueRetries, lockOverdue, lockRunningOf, lockTasks, type TaskRow } from './sql/task-rows.sql';
import type { TurnEffects } from './turn-effects';

/** A worker reports its own timeout first; the leader's deadline is the backstop for a silent worker. */
export const DEADLINE_SLACK_MS = 500;
const BATCH = 1000;

/**
 * The decisions of one leader turn, made inside its fenced transaction. Reads lock the rows
 * they decide on; the pure rules (libs/dag) decide; writes are collected in TurnEffects and
 * flushed by the caller in a few set-based statements.
 */
export class LeaderTurn {
  constructor(
    private readonly tx: EntityManager,
    private readonly book: RunBook,
    private readonly jobs: JobsService,
    private readonly effects: TurnEffects,
    private readonly now: Date,
  ) {}

  /** Cancel requests first, so that events in the same turn see the tasks already CANCELLED. */
  async applyCancels(): Promise<void> {
    const runs = await lockCancelRequests(this.tx, BATCH);
    if (runs.length === 0) return;
    const stopped = await cancelRunTasks(
      this.tx,
      runs.map((r) => r.id),
      this.now,
    );
    const runningByRun = new Map<string, string[]>();
    for (const t of stopped) {
      if (!t.workerId) continue;
      runningByRun.set(t.runId, [...(runningByRun.get(t.runId) ?? []), t.id]);
    }
    for (const row of runs) {
      const active = this.book.get(row.id);
      if (active) {
        for (const key of active.state.cancelAll()) this.effects.touch(row.id, key);
        this.retire(active);
      }
      this.effects.runChanges.set(row.id, { id: row.id, status: 'CANCELLED', startedAt: null, finishedAt: this.now });
      // Every worker hears it: tasks of this run still waiting on the bus must not start either.
      this.effects.controls.push({ type: 'cancel', runId: row.id, taskIds: runningByRun.get(row.id) ?? [] });
    }
    this.effects.recheckQueued = true;
  }

  /** Starts QUEUED runs, oldest first, as far as each job's maxActiveRuns allows. */
  async admitQueuedRuns(): Promise<void> {
    const rows = await lockQueuedRuns(this.tx, BATCH);
    for (const row of rows) {
      const definition = await this.jobs.definition(row.jobId, row.jobVersion);
      if (definition.maxActiveRuns !== null && this.book.activeCount(row.jobId) >= definition.maxActiveRuns) continue;
      const run = this.book.add({ ...row, status: 'RUNNING' }, definition);
      this.effects.runChanges.set(row.id, { id: row.id, status: 'RUNNING', startedAt: this.now, finishedAt: null });
      for (const step of run.definition.steps) this.effects.touch(row.id, step.key);
    }
  }

  async applyEvents(events: PlannerEvent[]): Promise<void> {
    const ids = [...new Set(events.map((e) => (e.kind === 'claim' ? e.claim.taskId : e.result.taskId)))];
    const tasks = new Map((await lockTasks(this.tx, ids)).map((t) => [t.id, t]));
    for (const event of events) {
      if (event.kind === 'claim') this.applyClaim(tasks.get(event.claim.taskId), event.claim);
      else this.applyResult(tasks.get(event.result.taskId), event.result);
    }
  }

  async applyDueRetries(): Promise<void> {
    for (const task of this.current(await lockDueRetries(this.tx, this.now, BATCH))) {
      if (task.status !== 'PENDING' || !this.book.get(task.runId)) continue;
      this.queueAttempt({ ...task, attempt: task.attempt + 1 });
    }
  }

  async applyTimeouts(): Promise<void> {
    for (const task of this.current(await lockOverdue(this.tx, this.now, BATCH))) {
      if (task.status !== 'RUNNING') continue;
      const run = this.book.get(task.runId);
      const timeoutMs = run?.steps.get(task.stepKey)?.timeoutMs ?? 0;
      this.effects.stopWorker(task.runId, task.id, task.workerId, task.attempt);
      this.finishAttempt(
        task,
        run,
        { status: 'failed', output: null, error: `timed out after ${timeoutMs} ms` },
        {
          workerId: task.workerId ?? 'unknown',
          startedAt: task.startedAt ?? this.now,
          finishedAt: this.now,
        },
      );
    }
  }

  /**
   * Fails over the attempts of dead workers (`why` per worker): each task gets a new attempt
   * on another worker without spending a retry, or fails if it was lost too often.
   */
  async applyLostWorkers(dead: Map<string, string>): Promise<void> {
    if (dead.size === 0) return;
    const tasks = this.current(await lockRunningOf(this.tx, [...dead.keys()], BATCH));
    this.failOver(tasks, (task) => dead.get(task.workerId ?? '') ?? 'its worker is gone');
  }

  /**
   * Fails over attempts whose live worker no longer runs them (it said so in its heartbeat's
   * task list): for instance a claim whose acknowledgement was lost, so the worker gave the
   * task back while the leader had recorded the claim.
   */
  async applyOrphans(orphans: Map<string, { workerId: string; why: string }>): Promise<void> {
    if (orphans.size === 0) return;
    // Only while that worker still holds the claim: the task may have moved on since.
    const tasks = this.current(await lockTasks(this.tx, [...orphans.keys()])).filter(
      (t) => t.status === 'RUNNING' && t.workerId === orphans.get(t.id)?.workerId,
    );
    this.failOver(tasks, (task) => orphans.get(task.id)?.why ?? 'its worker no longer runs it');
  }

  private failOver(tasks: TaskRow[], reason: (task: TaskRow) => string): void {
    for (const task of tasks) {
      const why = reason(task);
      const decision = decideLost(task, why);
      if (decision.kind === 'ignore') continue;
      this.effects.attempt({
        taskId: task.id,
        number: task.attempt,
        workerId: task.workerId,
        status: 'FAILED',
        queuedAt: null,
        startedAt: task.startedAt,
        finishedAt: this.now,
        error: `lost: ${why}`,
      });
      task.lost += 1;
      if (decision.kind === 'requeue') {
        this.queueAttempt({ ...task, attempt: task.attempt + 1 });
        continue;
      }
      Object.assign(task, { status: 'FAILED', error: decision.error, finishedAt: this.now, deadlineAt: null });
      this.effects.updatedTasks.set(task.id, task);
      const run = this.book.get(task.runId);
      if (run) {
        run.state.recordTaskFinal(task.stepKey, 'FAILED');
        this.effects.touch(task.runId, task.stepKey);
      }
    }
  }

  /** Expands steps whose trigger holds, skips those that can no longer run, finishes runs. */
  async advanceRuns(runIds: Iterable<string>): Promise<void> {
    for (const runId of runIds) {
      const run = this.book.get(runId);
      if (!run) continue;
      for (;;) {
        const { ready, skipped } = run.state.advance();
        for (const key of skipped) this.effects.touch(runId, key);
        for (const key of ready) await this.expand(run, key);
        if (ready.length === 0 && skipped.length === 0) break;
      }
      const outcome = run.state.outcome();
      if (outcome) {
        this.effects.runChanges.set(runId, { id: runId, status: outcome, startedAt: null, finishedAt: this.now });
        this.retire(run);
        this.effects.recheckQueued = true;
      }
    }
  }

  private applyClaim(task: TaskRow | undefined, claim: ClaimMessage): void {
    if (!task) return;
    const decision = decideClaim(this.snapshot(task), claim);
    if (decision.kind === 'refuse') return this.effects.stopWorker(task.runId, task.id, claim.workerId, claim.attempt);
    if (decision.kind === 'ignore') {
      // Stale or final: that worker's work can no longer count, so it should not go on with it.
      if (claim.attempt !== task.attempt || isFinalTaskStatus(task.status)) {
        this.effects.stopWorker(task.runId, task.id, claim.workerId, claim.attempt);
      }
      return;
    }
    const run = this.book.get(task.runId);
    const startedAt = new Date(claim.startedAt);
    const timeoutMs = run?.steps.get(task.stepKey)?.timeoutMs ?? null;
    Object.assign(task, {
      status: 'RUNNING',
      workerId: claim.workerId,
      startedAt,
      deadlineAt: timeoutMs ? new Date(startedAt.getTime() + timeoutMs + DEADLINE_SLACK_MS) : null,
    });
    this.effects.updatedTasks.set(task.id, task);
    this.effects.attempt({
      taskId: task.id,
      number: task.attempt,
      workerId: claim.workerId,
      status: 'RUNNING',
      queuedAt: null,
      startedAt,
      finishedAt: null,
      error: null,
    });
    if (run && !run.state.step(task.stepKey).started) {
      run.state.markStarted(task.stepKey);
      this.effects.touch(task.runId, task.stepKey);
    }
  }

  private applyResult(task: TaskRow | undefined, result: ResultMessage): void {
    if (!task) return;
    if (result.attempt < task.attempt) {
      // A worker declared dead came back: its result is recorded on its old attempt and changes nothing.
      this.effects.staleResults.push({
        taskId: task.id,
        attempt: result.attempt,
        note: `late result (${result.status}) from worker ${result.workerId} at ${result.finishedAt} ignored: attempt ${task.attempt} is current`,
      });
      return;
    }
    this.finishAttempt(task, this.book.get(task.runId), result, {
      workerId: result.workerId,
      startedAt: new Date(result.startedAt),
      finishedAt: new Date(result.finishedAt),
    });
  }

  /** Applies a finished attempt: success, a retry after backoff, or failure. */
  private finishAttempt(
    task: TaskRow,
    run: ActiveRun | undefined,
    result: Pick<ResultMessage, 'status' | 'output' | 'error'>,
    by: { workerId: string; startedAt: Date; finishedAt: Date },
  ): void {
    const step = run?.steps.get(task.stepKey);
    let status = result.status;
    let error = result.error ?? null;
    let output: string | null = null;
    if (status === 'succeeded') {
      output = JSON.stringify(result.output ?? null);
      const bytes = Buffer.byteLength(output, 'utf8');
      if (bytes > MAX_OUTPUT_BYTES) {
        status = 'failed';
        error = `output is ${bytes} bytes, at most ${MAX_OUTPUT_BYTES}`;
        output = null;
      }
    } else if (!error) {
      error = 'failed';
    }
    const decision = decideResult(
      this.snapshot(task),
      { attempt: task.attempt, workerId: by.workerId, status },
      { retries: step?.retries ?? 0, retryBackoffMs: step?.retryBackoffMs ?? 0 },
    );
    if (decision.kind === 'ignore') return;
    // A result whose claim was not seen (QUEUED) still says who ran it and since when.
    if (task.status === 'QUEUED') Object.assign(task, { workerId: by.workerId, startedAt: by.startedAt });
    const attemptStatus = decision.kind === 'succeed' ? 'SUCCEEDED' : 'FAILED';
    this.effects.attempt({
      taskId: task.id,
      number: task.attempt,
      workerId: task.workerId ?? by.workerId,
      status: attemptStatus,
      queuedAt: null,
      startedAt: task.startedAt,
      finishedAt: by.finishedAt,
      error,
    });
    Object.assign(task, { deadlineAt: null, error, output, finishedAt: by.finishedAt });
    if (decision.kind === 'retry') {
      Object.assign(task, {
        status: 'PENDING',
        failures: task.failures + 1,
        retryAt: new Date(this.now.getTime() + decision.delayMs),
      });
    } else {
      Object.assign(task, {
        status: attemptStatus,
        failures: task.failures + (decision.kind === 'fail' ? 1 : 0),
      });
      if (run) {
        run.state.recordTaskFinal(task.stepKey, attemptStatus);
        this.effects.touch(task.runId, task.stepKey);
      }
    }
    this.effects.updatedTasks.set(task.id, task);
  }

  /** Makes `task.attempt` a new QUEUED attempt, to publish after commit. */
  private queueAttempt(task: TaskRow): void {
    Object.assign(task, {
      status: 'QUEUED',
      queuedAt: this.now,
      publishedAt: null,
      workerId: null,
      startedAt: null,
      finishedAt: null,
      retryAt: null,
      deadlineAt: null,
      output: null,
      error: null,
    });
    this.effects.updatedTasks.set(task.id, task);
    this.effects.attempt(this.queuedAttempt(task));
    this.effects.publish.push(task.id);
  }

  private async expand(run: ActiveRun, key: string): Promise<void> {
    const step = run.steps.get(key);
    if (!step) return;
    const carried = run.row.retryOf
      ? new Map((await succeededShards(this.tx, run.row.retryOf, key)).map((s) => [s.shardIndex, s]))
      : new Map();
    run.state.markExpanded(key);
    this.effects.touch(run.row.id, key);
    for (const shard of expandShards(step)) {
      const id = randomUUID();
      const done = carried.get(shard.shardIndex);
      const row: TaskRow = {
        id,
        runId: run.row.id,
        stepKey: key,
        shardIndex: shard.shardIndex,
        shardParam: shard.shardParam,
        status: done ? 'SUCCEEDED' : 'QUEUED',
        attempt: done ? done.attempt : 1,
        failures: 0,
        lost: 0,
        workerId: done ? done.workerId : null,
        queuedAt: this.now,
        publishedAt: done ? this.now : null,
        startedAt: done ? done.startedAt : null,
        finishedAt: done ? done.finishedAt : null,
        retryAt: null,
        deadlineAt: null,
        output: done ? done.output : null,
        error: null,
      };
      this.effects.insertedTasks.push(row);
      if (done) {
        this.effects.carriedAttempts.push({ from: done.id, to: id });
        run.state.recordTaskFinal(key, 'SUCCEEDED');
      } else {
        this.effects.attempt(this.queuedAttempt(row));
        this.effects.publish.push(id);
      }
    }
  }

  private queuedAttempt(task: TaskRow) {
    return {
      taskId: task.id,
      number: task.attempt,
      workerId: null,
      status: 'QUEUED' as const,
      queuedAt: this.now,
      startedAt: null,
      finishedAt: null,
      error: null,
    };
  }

  private retire(run: ActiveRun): void {
    this.book.remove(run.row.id);
    this.effects.retired.set(run.row.id, run);
  }

  /**
   * Rows as this turn left them: a task read from PostgreSQL may already have changed earlier
   * in the same turn (a result applied before the liveness sweep), and those changes are only
   * written when the turn ends — deciding on the stale row would undo them.
   */
  private current(rows: TaskRow[]): TaskRow[] {
    return rows.map((row) => this.effects.updatedTasks.get(row.id) ?? row);
  }

  private snapshot(task: TaskRow): TaskSnapshot {
    return { status: task.status, attempt: task.attempt, workerId: task.workerId, failures: task.failures };
  }
}
