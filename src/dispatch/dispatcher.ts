import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { TaskMessage } from '../../libs/contracts/messages';
import type { JsonObject } from '../../libs/dag/job-definition';
import { buildTaskContext } from '../../libs/dag/task-context';
import { TASK_BUS, type TaskBus } from '../bus/task-bus.port';
import { JobsService } from '../jobs/jobs.service';

interface QueuedTaskRow {
  id: string;
  runId: string;
  stepKey: string;
  shardIndex: number;
  shardParam: string | null;
  attempt: number;
  jobId: string;
  jobName: string;
  jobVersion: number;
  params: JsonObject;
}

/** Publishes at most this many tasks per bus call, so memory stays bounded for huge steps. */
const PUBLISH_CHUNK = 1000;

/**
 * The outbox's sending half. Tasks become QUEUED (and unpublished) in the leader's transaction;
 * after it commits, this builds each task's message from PostgreSQL, publishes with the
 * de-duplication id `taskId:attempt`, then marks them published. A crash in between leaves
 * them unpublished, and the next leader sends them again; the bus drops the duplicates.
 */
@Injectable()
export class Dispatcher {
  private readonly logger = new Logger(Dispatcher.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(TASK_BUS) private readonly bus: TaskBus,
    private readonly jobs: JobsService,
  ) {}

  /** Publishes the given QUEUED tasks; returns the ids that the bus now holds. */
  async publish(taskIds: string[]): Promise<string[]> {
    const sent: string[] = [];
    for (let i = 0; i < taskIds.length; i += PUBLISH_CHUNK) {
      const messages = await this.messages(taskIds.slice(i, i + PUBLISH_CHUNK));
      if (messages.length === 0) continue;
      await this.bus.publishTasks(messages);
      sent.push(...messages.map((m) => m.taskId));
    }
    return sent;
  }

  /** Tasks a previous leader queued but may not have published. */
  async unpublished(limit: number): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM tasks WHERE status = 'QUEUED' AND published_at IS NULL ORDER BY queued_at LIMIT $1`,
      [limit],
    );
    return rows.map((r) => r.id);
  }

  private async messages(ids: string[]): Promise<TaskMessage[]> {
    const rows: QueuedTaskRow[] = await this.dataSource.query(
      `SELECT t.id, t.run_id AS "runId", t.step_key AS "stepKey", t.shard_index AS "shardIndex",
              t.shard_param AS "shardParam", t.attempt, r.job_id AS "jobId", r.job_name AS "jobName",
              r.job_version AS "jobVersion", r.params
         FROM tasks t JOIN runs r ON r.id = t.run_id
        WHERE t.id = ANY($1::uuid[]) AND t.status = 'QUEUED'
        ORDER BY t.run_id, t.step_key, t.shard_index`,
      [ids],
    );
    const upstreamByRunStep = new Map<string, Record<string, unknown[]>>();
    const messages: TaskMessage[] = [];
    for (const row of rows) {
      const definition = await this.jobs.definition(row.jobId, row.jobVersion);
      const step = definition.steps.find((s) => s.key === row.stepKey);
      if (!step) {
        this.logger.error(`task ${row.id}: step "${row.stepKey}" is not in job ${row.jobName} v${row.jobVersion}`);
        continue;
      }
      const key = `${row.runId}/${row.stepKey}`;
      let upstream = upstreamByRunStep.get(key);
      if (!upstream) {
        upstream = await this.upstreamOutputs(row.runId, step.dependsOn, definition.steps);
        upstreamByRunStep.set(key, upstream);
      }
      const context = buildTaskContext({
        taskId: row.id,
        runId: row.runId,
        jobName: row.jobName,
        step,
        shardIndex: row.shardIndex,
        shardParam: row.shardParam,
        attempt: row.attempt,
        runParams: row.params,
        upstream,
      });
      messages.push({
        ...context,
        handler: step.handler,
        queue: step.queue,
        timeoutMs: step.timeoutMs,
        deadline: null,
      });
    }
    return messages;
  }

  /** Each upstream step's outputs by shard index (null for a shard that produced none). */
  private async upstreamOutputs(
    runId: string,
    dependsOn: string[],
    steps: Array<{ key: string; shards: number }>,
  ): Promise<Record<string, unknown[]>> {
    const upstream: Record<string, unknown[]> = {};
    if (dependsOn.length === 0) return upstream;
    for (const key of dependsOn) {
      const shards = steps.find((s) => s.key === key)?.shards ?? 0;
      upstream[key] = new Array<unknown>(shards).fill(null);
    }
    const rows: Array<{ stepKey: string; shardIndex: number; output: unknown }> = await this.dataSource.query(
      `SELECT step_key AS "stepKey", shard_index AS "shardIndex", output
         FROM tasks WHERE run_id = $1 AND step_key = ANY($2::varchar[]) AND output IS NOT NULL`,
      [runId, dependsOn],
    );
    for (const row of rows) upstream[row.stepKey][row.shardIndex] = row.output;
    return upstream;
  }
}
