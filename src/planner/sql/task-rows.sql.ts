/**
 * Hot SQL for task state, used by the planner leader inside its fenced transaction.
 *
 * Shape: every statement takes whole columns as arrays and joins `unnest(...)`, so a batch
 * of any size is ONE round trip with a fixed number of parameters (a VALUES list would need
 * one parameter per cell and hit PostgreSQL's 65,535-parameter limit at a few thousand rows).
 * Rows are read FOR UPDATE first, decided in memory by pure functions (libs/dag), and
 * written back whole, so the SQL holds no scheduling rules of its own.
 */
import type { EntityManager } from 'typeorm';
import type { TaskStatus } from '../../../libs/dag/task-transitions';

export interface TaskRow {
  id: string;
  runId: string;
  stepKey: string;
  shardIndex: number;
  shardParam: string | null;
  status: TaskStatus;
  attempt: number;
  failures: number;
  lost: number;
  workerId: string | null;
  queuedAt: Date | null;
  publishedAt: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  retryAt: Date | null;
  deadlineAt: Date | null;
  /** JSON text, or null. Kept as text so it goes back to PostgreSQL untouched. */
  output: string | null;
  error: string | null;
}

export interface AttemptRow {
  taskId: string;
  number: number;
  workerId: string | null;
  status: TaskStatus;
  queuedAt: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  error: string | null;
}

const TASK_COLUMNS = `id, run_id AS "runId", step_key AS "stepKey", shard_index AS "shardIndex",
  shard_param AS "shardParam", status, attempt, failures, lost, worker_id AS "workerId",
  queued_at AS "queuedAt", published_at AS "publishedAt", started_at AS "startedAt",
  finished_at AS "finishedAt", retry_at AS "retryAt", deadline_at AS "deadlineAt",
  output::text AS output, error`;

export async function lockTasks(tx: EntityManager, ids: string[]): Promise<TaskRow[]> {
  if (ids.length === 0) return [];
  return tx.query(`SELECT ${TASK_COLUMNS} FROM tasks WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [ids]);
}

/** PENDING tasks whose retry backoff is over (partial index tasks_retry_due). */
export async function lockDueRetries(tx: EntityManager, now: Date, limit: number): Promise<TaskRow[]> {
  return tx.query(
    `SELECT ${TASK_COLUMNS} FROM tasks
      WHERE status = 'PENDING' AND retry_at IS NOT NULL AND retry_at <= $1
      ORDER BY retry_at LIMIT $2 FOR UPDATE`,
    [now, limit],
  );
}

/** RUNNING attempts past their deadline (partial index tasks_deadline). */
export async function lockOverdue(tx: EntityManager, now: Date, limit: number): Promise<TaskRow[]> {
  return tx.query(
    `SELECT ${TASK_COLUMNS} FROM tasks
      WHERE status = 'RUNNING' AND deadline_at IS NOT NULL AND deadline_at <= $1
      ORDER BY deadline_at LIMIT $2 FOR UPDATE`,
    [now, limit],
  );
}

export async function insertTasks(tx: EntityManager, rows: TaskRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO tasks (id, run_id, step_key, shard_index, shard_param, status, attempt, failures, lost,
                        worker_id, queued_at, published_at, started_at, finished_at, retry_at, deadline_at,
                        output, error)
     SELECT v.id, v.run_id, v.step_key, v.shard_index, v.shard_param, v.status, v.attempt, v.failures, v.lost,
            v.worker_id, v.queued_at, v.published_at, v.started_at, v.finished_at, v.retry_at, v.deadline_at,
            v.output::jsonb, v.error
       FROM ${unnestTasks()}`,
    taskParams(rows),
  );
}

export async function updateTasks(tx: EntityManager, rows: TaskRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `UPDATE tasks t
        SET status = v.status, attempt = v.attempt, failures = v.failures, lost = v.lost,
            worker_id = v.worker_id, queued_at = v.queued_at, published_at = v.published_at,
            started_at = v.started_at, finished_at = v.finished_at, retry_at = v.retry_at,
            deadline_at = v.deadline_at, output = v.output::jsonb, error = v.error
       FROM ${unnestTasks()}
      WHERE t.id = v.id`,
    taskParams(rows),
  );
}

/** Inserts new attempts and updates known ones, in one statement. */
export async function upsertAttempts(tx: EntityManager, rows: AttemptRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO attempts (task_id, number, worker_id, status, queued_at, started_at, finished_at, error)
     SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::varchar[], $5::timestamptz[],
                          $6::timestamptz[], $7::timestamptz[], $8::text[])
     ON CONFLICT (task_id, number) DO UPDATE
        SET worker_id = EXCLUDED.worker_id, status = EXCLUDED.status,
            queued_at = COALESCE(EXCLUDED.queued_at, attempts.queued_at),
            started_at = COALESCE(EXCLUDED.started_at, attempts.started_at),
            finished_at = EXCLUDED.finished_at, error = EXCLUDED.error`,
    [
      rows.map((r) => r.taskId),
      rows.map((r) => r.number),
      rows.map((r) => r.workerId),
      rows.map((r) => r.status),
      rows.map((r) => r.queuedAt),
      rows.map((r) => r.startedAt),
      rows.map((r) => r.finishedAt),
      rows.map((r) => r.error),
    ],
  );
}

function unnestTasks(): string {
  return `unnest($1::uuid[], $2::uuid[], $3::varchar[], $4::int[], $5::text[], $6::varchar[], $7::int[],
                 $8::int[], $9::int[], $10::text[], $11::timestamptz[], $12::timestamptz[], $13::timestamptz[],
                 $14::timestamptz[], $15::timestamptz[], $16::timestamptz[], $17::text[], $18::text[])
          AS v(id, run_id, step_key, shard_index, shard_param, status, attempt, failures, lost, worker_id,
               queued_at, published_at, started_at, finished_at, retry_at, deadline_at, output, error)`;
}

function taskParams(rows: TaskRow[]): unknown[] {
  return [
    rows.map((r) => r.id),
    rows.map((r) => r.runId),
    rows.map((r) => r.stepKey),
    rows.map((r) => r.shardIndex),
    rows.map((r) => r.shardParam),
    rows.map((r) => r.status),
    rows.map((r) => r.attempt),
    rows.map((r) => r.failures),
    rows.map((r) => r.lost),
    rows.map((r) => r.workerId),
    rows.map((r) => r.queuedAt),
    rows.map((r) => r.publishedAt),
    rows.map((r) => r.startedAt),
    rows.map((r) => r.finishedAt),
    rows.map((r) => r.retryAt),
    rows.map((r) => r.deadlineAt),
    rows.map((r) => r.output),
    rows.map((r) => r.error),
  ];
}

/** Workers holding RUNNING attempts (partial index tasks_running_worker). */
export async function workersHoldingTasks(tx: EntityManager): Promise<string[]> {
  const rows: Array<{ worker_id: string }> = await tx.query(
    `SELECT DISTINCT worker_id FROM tasks WHERE status = 'RUNNING' AND worker_id IS NOT NULL`,
  );
  return rows.map((r) => r.worker_id);
}

/** RUNNING attempts claimed by the given workers, with when they started (the worker's clock). */
export async function runningClaimsOf(
  tx: EntityManager,
  workerIds: string[],
): Promise<Array<{ id: string; workerId: string; startedAt: Date | null }>> {
  if (workerIds.length === 0) return [];
  return tx.query(
    `SELECT id, worker_id AS "workerId", started_at AS "startedAt" FROM tasks
      WHERE status = 'RUNNING' AND worker_id = ANY($1::text[])`,
    [workerIds],
  );
}

/** The RUNNING attempts held by the given workers. */
export async function lockRunningOf(tx: EntityManager, workerIds: string[], limit: number): Promise<TaskRow[]> {
  if (workerIds.length === 0) return [];
  return tx.query(
    `SELECT ${TASK_COLUMNS} FROM tasks
      WHERE status = 'RUNNING' AND worker_id = ANY($1::text[])
      ORDER BY id LIMIT $2 FOR UPDATE`,
    [workerIds, limit],
  );
}

/** Notes on an old attempt that a result for it came too late and was ignored. */
export async function noteStaleResults(
  tx: EntityManager,
  rows: Array<{ taskId: string; attempt: number; note: string }>,
): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `UPDATE attempts a SET error = CASE WHEN a.error IS NULL THEN v.note ELSE a.error || '; ' || v.note END
       FROM unnest($1::uuid[], $2::int[], $3::text[]) AS v(task_id, number, note)
      WHERE a.task_id = v.task_id AND a.number = v.number`,
    [rows.map((r) => r.taskId), rows.map((r) => r.attempt), rows.map((r) => r.note)],
  );
}
