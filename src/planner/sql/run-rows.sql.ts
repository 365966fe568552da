/**
 * Hot SQL for runs and their per-step counters (see task-rows.sql.ts for why unnest).
 */
import type { EntityManager } from 'typeorm';
import type { JsonObject } from '../../../libs/dag/job-definition';
import type { StepState } from '../../../libs/dag/run-state';
import { returnedRows } from '../../database/returning';

export interface ActiveRunRow {
  id: string;
  jobId: string;
  jobName: string;
  jobVersion: number;
  status: string;
  params: JsonObject;
  retryOf: string | null;
  createdAt: Date;
  cancelRequestedAt: Date | null;
}

const RUN_COLUMNS = `id, job_id AS "jobId", job_name AS "jobName", job_version AS "jobVersion", status, params,
  retry_of AS "retryOf", created_at AS "createdAt", cancel_requested_at AS "cancelRequestedAt"`;

/** Runs the api queued and the planner has not started, oldest first (index runs_active). */
export async function lockQueuedRuns(tx: EntityManager, limit: number): Promise<ActiveRunRow[]> {
  return tx.query(
    `SELECT ${RUN_COLUMNS} FROM runs WHERE status = 'QUEUED'
      ORDER BY seq LIMIT $1 FOR UPDATE`,
    [limit],
  );
}

export async function lockCancelRequests(tx: EntityManager, limit: number): Promise<ActiveRunRow[]> {
  return tx.query(
    `SELECT ${RUN_COLUMNS} FROM runs
      WHERE status IN ('QUEUED', 'RUNNING') AND cancel_requested_at IS NOT NULL
      ORDER BY created_at LIMIT $1 FOR UPDATE`,
    [limit],
  );
}

export async function loadRunningRuns(tx: EntityManager): Promise<ActiveRunRow[]> {
  return tx.query(`SELECT ${RUN_COLUMNS} FROM runs WHERE status = 'RUNNING' ORDER BY created_at`);
}

export interface RunStepRow {
  runId: string;
  state: StepState;
}

export async function loadRunSteps(tx: EntityManager, runIds: string[]): Promise<RunStepRow[]> {
  if (runIds.length === 0) return [];
  const rows: Array<{
    run_id: string;
    step_key: string;
    phase: StepState['phase'];
    started: boolean;
    shards: number;
    succeeded: number;
    failed: number;
    skipped: number;
    cancelled: number;
  }> = await tx.query(`SELECT * FROM run_steps WHERE run_id = ANY($1::uuid[])`, [runIds]);
  return rows.map((r) => ({
    runId: r.run_id,
    state: {
      key: r.step_key,
      phase: r.phase,
      started: r.started,
      progress: {
        total: r.shards,
        succeeded: r.succeeded,
        failed: r.failed,
        skipped: r.skipped,
        cancelled: r.cancelled,
      },
    },
  }));
}

/** Inserts or overwrites the counters of the given steps from the leader's in-memory view. */
export async function writeRunSteps(tx: EntityManager, rows: RunStepRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO run_steps (run_id, step_key, phase, started, shards, succeeded, failed, skipped, cancelled)
     SELECT * FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::bool[], $5::int[], $6::int[],
                          $7::int[], $8::int[], $9::int[])
     ON CONFLICT (run_id, step_key) DO UPDATE
        SET phase = EXCLUDED.phase, started = EXCLUDED.started, succeeded = EXCLUDED.succeeded,
            failed = EXCLUDED.failed, skipped = EXCLUDED.skipped, cancelled = EXCLUDED.cancelled`,
    [
      rows.map((r) => r.runId),
      rows.map((r) => r.state.key),
      rows.map((r) => r.state.phase),
      rows.map((r) => r.state.started),
      rows.map((r) => r.state.progress.total),
      rows.map((r) => r.state.progress.succeeded),
      rows.map((r) => r.state.progress.failed),
      rows.map((r) => r.state.progress.skipped),
      rows.map((r) => r.state.progress.cancelled),
    ],
  );
}

export interface RunStatusChange {
  id: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  startedAt: Date | null;
  finishedAt: Date | null;
}

export async function updateRunStatuses(tx: EntityManager, rows: RunStatusChange[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `UPDATE runs r
        SET status = v.status, started_at = COALESCE(r.started_at, v.started_at), finished_at = v.finished_at
       FROM unnest($1::uuid[], $2::varchar[], $3::timestamptz[], $4::timestamptz[]) AS v(id, status, started_at, finished_at)
      WHERE r.id = v.id`,
    [rows.map((r) => r.id), rows.map((r) => r.status), rows.map((r) => r.startedAt), rows.map((r) => r.finishedAt)],
  );
}

/**
 * Cancels every unfinished task of the given runs and their open attempts in one statement;
 * returns the tasks that were RUNNING (their workers are told to stop).
 */
export async function cancelRunTasks(
  tx: EntityManager,
  runIds: string[],
  now: Date,
): Promise<Array<{ id: string; runId: string; workerId: string | null }>> {
  if (runIds.length === 0) return [];
  const result: unknown = await tx.query(
    `WITH open AS (
        SELECT id, attempt, status AS was FROM tasks
         WHERE run_id = ANY($1::uuid[]) AND status IN ('PENDING', 'QUEUED', 'RUNNING')
         FOR UPDATE
     ), closed_attempts AS (
        UPDATE attempts a SET status = 'CANCELLED', finished_at = $2
          FROM open WHERE a.task_id = open.id AND a.number = open.attempt AND a.status IN ('QUEUED', 'RUNNING')
     )
     UPDATE tasks t
        SET status = 'CANCELLED', finished_at = $2, retry_at = NULL, deadline_at = NULL,
            error = COALESCE(t.error, 'cancelled')
       FROM open WHERE t.id = open.id
     RETURNING t.id, t.run_id AS "runId", CASE WHEN open.was = 'RUNNING' THEN t.worker_id END AS "workerId"`,
    [runIds, now],
  );
  return returnedRows(result);
}

/** Outputs of a finished run's succeeded tasks of one step, for a retry run to carry over. */
export async function succeededShards(
  tx: EntityManager,
  runId: string,
  stepKey: string,
): Promise<
  Array<{
    id: string;
    shardIndex: number;
    output: string | null;
    attempt: number;
    workerId: string | null;
    startedAt: Date | null;
    finishedAt: Date | null;
  }>
> {
  return tx.query(
    `SELECT id, shard_index AS "shardIndex", output::text AS output, attempt, worker_id AS "workerId",
            started_at AS "startedAt", finished_at AS "finishedAt"
       FROM tasks WHERE run_id = $1 AND step_key = $2 AND status = 'SUCCEEDED'`,
    [runId, stepKey],
  );
}

/** Copies the attempts of carried-over tasks so the retry run shows how they succeeded. */
export async function copyAttempts(tx: EntityManager, pairs: Array<{ from: string; to: string }>): Promise<void> {
  if (pairs.length === 0) return;
  await tx.query(
    `INSERT INTO attempts (task_id, number, worker_id, status, queued_at, started_at, finished_at, error)
     SELECT p.to_id, a.number, a.worker_id, a.status, a.queued_at, a.started_at, a.finished_at, a.error
       FROM unnest($1::uuid[], $2::uuid[]) AS p(from_id, to_id)
       JOIN attempts a ON a.task_id = p.from_id`,
    [pairs.map((p) => p.from), pairs.map((p) => p.to)],
  );
}
