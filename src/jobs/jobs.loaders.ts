import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import { RunEntity } from '../runs/run.entity';
import type { JobStats } from './job.types';

/** Per-request batch loaders for Job fields (no query per job on a jobs list). */
export class JobsLoaders {
  /** Keyed by `${jobId}:${limit}`: the newest runs of each job. */
  readonly runs = new DataLoader<string, RunEntity[]>(async (keys) => {
    const limit = Math.max(...keys.map((k) => Number(k.split(':')[1])));
    const jobIds = [...new Set(keys.map((k) => k.split(':')[0]))];
    const rows: Array<{ id: string; job_id: string; n: string }> = await this.dataSource.query(
      `SELECT id, job_id, n FROM (
          SELECT id, job_id, row_number() OVER (PARTITION BY job_id ORDER BY created_at DESC) AS n
            FROM runs WHERE job_id = ANY($1::uuid[])) x
        WHERE n <= $2`,
      [jobIds, limit],
    );
    const runs = rows.length ? await this.dataSource.manager.findBy(RunEntity, { id: In(rows.map((r) => r.id)) }) : [];
    const byId = new Map(runs.map((r) => [r.id, r]));
    return keys.map((key) => {
      const [jobId, l] = key.split(':');
      return rows
        .filter((r) => r.job_id === jobId && Number(r.n) <= Number(l))
        .sort((a, b) => Number(a.n) - Number(b.n))
        .map((r) => byId.get(r.id) as RunEntity);
    });
  });

  readonly stats = new DataLoader<string, Omit<JobStats, 'skippedFires'>>(async (jobIds) => {
    const rows: Array<{
      job_id: string;
      runs: string;
      succeeded: string;
      failed: string;
      avg_ms: number | null;
      p95_ms: number | null;
    }> = await this.dataSource.query(
      `SELECT job_id, count(*) AS runs,
              count(*) FILTER (WHERE status = 'SUCCEEDED') AS succeeded,
              count(*) FILTER (WHERE status = 'FAILED') AS failed,
              avg(extract(epoch FROM finished_at - started_at) * 1000)
                FILTER (WHERE status IN ('SUCCEEDED', 'FAILED') AND started_at IS NOT NULL) AS avg_ms,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - started_at) * 1000)
                FILTER (WHERE status IN ('SUCCEEDED', 'FAILED') AND started_at IS NOT NULL) AS p95_ms
         FROM runs WHERE job_id = ANY($1::uuid[]) GROUP BY job_id`,
      [jobIds],
    );
    const byJob = new Map(rows.map((r) => [r.job_id, r]));
    return jobIds.map((id) => {
      const r = byJob.get(id);
      const succeeded = Number(r?.succeeded ?? 0);
      const failed = Number(r?.failed ?? 0);
      return {
        runs: Number(r?.runs ?? 0),
        succeeded,
        failed,
        // Of finished runs only: a run still going is neither a success nor a failure yet.
        successRate: succeeded + failed > 0 ? succeeded / (succeeded + failed) : null,
        avgDurationMs: r?.avg_ms === null || r?.avg_ms === undefined ? null : Number(r.avg_ms),
        p95DurationMs: r?.p95_ms === null || r?.p95_ms === undefined ? null : Number(r.p95_ms),
      };
    });
  });

  constructor(private readonly dataSource: DataSource) {}
}
