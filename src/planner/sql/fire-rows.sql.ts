/**
 * SQL for schedule fires, inside the leader's fenced transaction. A fire's run is inserted
 * with ON CONFLICT DO NOTHING against the unique index on (job, scheduled time), so a fire
 * makes at most one run even if two leaders ever raced over it; the insert also re-checks
 * that the job is live and unpaused, so a pause the leader has not heard of yet still holds.
 */
import type { EntityManager } from 'typeorm';
import type { JobDefinition } from '../../../libs/dag/job-definition';
import { returnedRows } from '../../database/returning';

export interface ScheduledJobRow {
  jobId: string;
  name: string;
  version: number;
  cursor: Date;
  definition: JobDefinition;
}

export async function loadScheduledJobs(manager: EntityManager): Promise<ScheduledJobRow[]> {
  return manager.query(
    `SELECT j.id AS "jobId", j.name, j.version, j.fire_cursor AS cursor, v.definition
       FROM jobs j JOIN job_versions v ON v.job_id = j.id AND v.version = j.version
      WHERE j.deleted_at IS NULL AND NOT j.paused AND v.definition->>'schedule' IS NOT NULL`,
  );
}

/** Active (queued or running, not being cancelled) runs of the given jobs. */
export async function activeRunsOf(tx: EntityManager, jobIds: string[]): Promise<Array<{ id: string; jobId: string }>> {
  if (jobIds.length === 0) return [];
  return tx.query(
    `SELECT id, job_id AS "jobId" FROM runs
      WHERE job_id = ANY($1::uuid[]) AND status IN ('QUEUED', 'RUNNING') AND cancel_requested_at IS NULL`,
    [jobIds],
  );
}

export interface FireRow {
  jobId: string;
  jobName: string;
  jobVersion: number;
  scheduledAt: Date;
  params: string;
}

/** Inserts one QUEUED SCHEDULE run per fire; returns how many were new. */
export async function insertFireRuns(tx: EntityManager, fires: FireRow[], now: Date): Promise<number> {
  if (fires.length === 0) return 0;
  const result: unknown = await tx.query(
    `INSERT INTO runs (job_id, job_name, job_version, status, trigger, scheduled_at, created_at, params)
     SELECT v.job_id, v.job_name, v.job_version, 'QUEUED', 'SCHEDULE', v.at, $6, v.params::jsonb
       FROM unnest($1::uuid[], $2::varchar[], $3::int[], $4::timestamptz[], $5::text[])
            AS v(job_id, job_name, job_version, at, params)
       JOIN jobs j ON j.id = v.job_id AND NOT j.paused AND j.deleted_at IS NULL
     ON CONFLICT (job_id, scheduled_at) WHERE trigger IN ('SCHEDULE', 'BACKFILL') DO NOTHING
     RETURNING id`,
    [
      fires.map((f) => f.jobId),
      fires.map((f) => f.jobName),
      fires.map((f) => f.jobVersion),
      fires.map((f) => f.scheduledAt),
      fires.map((f) => f.params),
      now,
    ],
  );
  return returnedRows(result).length;
}

/** Moves each job's cursor forward (never back) and adds its skipped fires. */
export async function advanceCursors(
  tx: EntityManager,
  rows: Array<{ jobId: string; cursor: Date; skipped: number }>,
): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `UPDATE jobs j SET fire_cursor = GREATEST(j.fire_cursor, v.cursor), skipped_fires = j.skipped_fires + v.skipped
       FROM unnest($1::uuid[], $2::timestamptz[], $3::int[]) AS v(job_id, cursor, skipped)
      WHERE j.id = v.job_id`,
    [rows.map((r) => r.jobId), rows.map((r) => r.cursor), rows.map((r) => r.skipped)],
  );
}

/** REPLACE: the active runs are asked to cancel; the same turn then cancels them. */
export async function requestCancels(tx: EntityManager, runIds: string[], now: Date): Promise<void> {
  if (runIds.length === 0) return;
  await tx.query(
    `UPDATE runs SET cancel_requested_at = $2 WHERE id = ANY($1::uuid[]) AND cancel_requested_at IS NULL`,
    [runIds, now],
  );
}
