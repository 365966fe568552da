import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import type { StepState } from '../../libs/dag/run-state';
import type { TaskStatus } from './task.entity';
import type { Attempt, Task } from './run.types';

export interface TaskFilter {
  stepKey: string | null;
  status: TaskStatus | null;
  limit: number;
  offset: number;
}

const TASK_SELECT = `id, run_id AS "runId", step_key AS "stepKey", shard_index AS "shardIndex", shard_param AS "shardParam",
  status, attempt, worker_id AS "workerId", started_at AS "startedAt", finished_at AS "finishedAt", output, error`;

/**
 * Per-request batch loaders: a page listing many runs and their tasks costs one query per
 * kind of field, not one per run (no N+1).
 */
export class RunsLoaders {
  readonly runSteps = new DataLoader<string, StepState[]>(async (runIds) => {
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
    }> = await this.dataSource.query(`SELECT * FROM run_steps WHERE run_id = ANY($1::uuid[])`, [runIds]);
    const byRun = new Map<string, StepState[]>();
    for (const r of rows) {
      const state: StepState = {
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
      };
      byRun.set(r.run_id, [...(byRun.get(r.run_id) ?? []), state]);
    }
    return runIds.map((id) => byRun.get(id) ?? []);
  });

  /** Keyed by run id and filter; one query per distinct filter in the request. */
  readonly tasks = new DataLoader<{ runId: string; filter: TaskFilter }, Task[], string>(
    async (keys) => {
      const groups = new Map<string, { filter: TaskFilter; runIds: string[] }>();
      for (const k of keys) {
        const g = groups.get(JSON.stringify(k.filter)) ?? { filter: k.filter, runIds: [] };
        g.runIds.push(k.runId);
        groups.set(JSON.stringify(k.filter), g);
      }
      const found = new Map<string, Task[]>();
      for (const { filter, runIds } of groups.values()) {
        const rows: Task[] = await this.dataSource.query(
          `SELECT ${TASK_SELECT} FROM (
              SELECT t.*, row_number() OVER (PARTITION BY t.run_id ORDER BY t.step_key, t.shard_index) AS n
                FROM tasks t
               WHERE t.run_id = ANY($1::uuid[])
                 AND ($2::varchar IS NULL OR t.step_key = $2) AND ($3::varchar IS NULL OR t.status = $3)
           ) x WHERE n > $4 AND n <= $4 + $5
           ORDER BY run_id, step_key, shard_index`,
          [runIds, filter.stepKey, filter.status, filter.offset, filter.limit],
        );
        for (const row of rows) {
          const key = `${row.runId}|${JSON.stringify(filter)}`;
          found.set(key, [...(found.get(key) ?? []), row]);
        }
      }
      return keys.map((k) => found.get(`${k.runId}|${JSON.stringify(k.filter)}`) ?? []);
    },
    { cacheKeyFn: (k) => `${k.runId}|${JSON.stringify(k.filter)}` },
  );

  readonly attempts = new DataLoader<string, Attempt[]>(async (taskIds) => {
    const rows: Attempt[] = await this.dataSource.query(
      `SELECT task_id AS "taskId", number, worker_id AS "workerId", status, started_at AS "startedAt",
              finished_at AS "finishedAt", error
         FROM attempts WHERE task_id = ANY($1::uuid[]) ORDER BY task_id, number`,
      [taskIds],
    );
    const byTask = new Map<string, Attempt[]>();
    for (const a of rows) byTask.set(a.taskId, [...(byTask.get(a.taskId) ?? []), a]);
    return taskIds.map((id) => byTask.get(id) ?? []);
  });

  constructor(private readonly dataSource: DataSource) {}
}
