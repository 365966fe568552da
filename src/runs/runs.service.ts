import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { mergeParams } from '../../libs/dag/task-context';
import { firesBetween } from '../../libs/schedule/cron-schedule';
import { JobValidationError, validateRunParams } from '../../libs/dag/validate-job';
import { CLOCK, type Clock } from '../clock/clock.port';
import { badUserInput, notFound } from '../common/graphql-errors';
import { CHANNELS, PgNotifier } from '../database/pg-notifier';
import { JobsService } from '../jobs/jobs.service';
import { FINAL_RUN_STATUSES, RunEntity, type RunStatus } from './run.entity';

/** A backfill larger than this is refused: it is almost always a mistaken window. */
export const MAX_BACKFILL_FIRES = 10_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What the api may do to runs: it writes *requests* (a new QUEUED run, a cancel request) and
 * wakes the planner; only the planner leader changes run and task state.
 */
@Injectable()
export class RunsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobsService,
    private readonly notifier: PgNotifier,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async trigger(jobName: string, params: unknown): Promise<RunEntity> {
    let given;
    try {
      given = validateRunParams(params, 'params');
    } catch (err) {
      if (err instanceof JobValidationError) throw badUserInput(err.message);
      throw err;
    }
    const job = await this.jobs.findByName(jobName);
    if (!job) throw notFound(`job "${jobName}" not found`);
    const scheduledAt = this.clock.now();
    return this.enqueue({
      jobId: job.jobId,
      jobName: job.name,
      jobVersion: job.version,
      trigger: 'MANUAL',
      scheduledAt,
      params: mergeParams(job.definition.params, given, { scheduledAt: scheduledAt.toISOString() }),
      retryOf: null,
    });
  }

  /**
   * One BACKFILL run per fire time of the schedule in [from, to], each with that fire time as
   * its scheduledAt. Idempotent: a fire time that already has a run (scheduled or backfilled)
   * gets no second one. Answers every run of the window, oldest first, new and existing alike.
   */
  async backfill(jobName: string, from: Date, to: Date): Promise<RunEntity[]> {
    const job = await this.jobs.findByName(jobName);
    if (!job) throw notFound(`job "${jobName}" not found`);
    const { schedule, timezone } = job.definition;
    if (!schedule) throw badUserInput(`name: job "${jobName}" has no schedule to backfill`);
    if (Number.isNaN(from.getTime())) throw badUserInput('from: must be a date-time');
    if (Number.isNaN(to.getTime())) throw badUserInput('to: must be a date-time');
    if (to < from) throw badUserInput('to: must not be before from');
    const { fires, more } = firesBetween(schedule, timezone, new Date(from.getTime() - 1), to, MAX_BACKFILL_FIRES);
    if (more)
      throw badUserInput(`to: the window holds more than ${MAX_BACKFILL_FIRES} fire times; backfill it in parts`);
    if (fires.length === 0) return [];
    const now = this.clock.now();
    return this.dataSource.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO runs (job_id, job_name, job_version, status, trigger, scheduled_at, created_at, params)
         SELECT $1, $2, $3, 'QUEUED', 'BACKFILL', v.at, $4, v.params::jsonb
           FROM unnest($5::timestamptz[], $6::text[]) AS v(at, params)
         ON CONFLICT (job_id, scheduled_at) WHERE trigger IN ('SCHEDULE', 'BACKFILL') DO NOTHING`,
        [
          job.jobId,
          job.name,
          job.version,
          now,
          fires,
          fires.map((at) => JSON.stringify(mergeParams(job.definition.params, { scheduledAt: at.toISOString() }))),
        ],
      );
      await this.notifier.notify(CHANNELS.wake, `backfill:${job.name}`, tx);
      return tx
        .createQueryBuilder(RunEntity, 'r')
        .where(`r.job_id = :jobId AND r.trigger IN ('SCHEDULE', 'BACKFILL') AND r.scheduled_at = ANY(:fires)`, {
          jobId: job.jobId,
          fires,
        })
        .orderBy('r.scheduled_at')
        .getMany();
    });
  }

  async requestCancel(id: string): Promise<RunEntity> {
    const run = await this.mustFind(id);
    if (FINAL_RUN_STATUSES.includes(run.status) || run.cancelRequestedAt) return run;
    await this.dataSource.transaction(async (tx) => {
      await tx.update(RunEntity, { id }, { cancelRequestedAt: this.clock.now() });
      await this.notifier.notify(CHANNELS.wake, `cancel:${id}`, tx);
      await this.notifier.notify(CHANNELS.runs, id, tx); // runUpdated subscribers see the request
    });
    return this.mustFind(id);
  }

  async retry(id: string): Promise<RunEntity> {
    const run = await this.mustFind(id);
    if (!FINAL_RUN_STATUSES.includes(run.status)) {
      throw badUserInput(`id: run ${id} is ${run.status}; only a finished run can be retried`);
    }
    return this.enqueue({
      jobId: run.jobId,
      jobName: run.jobName,
      jobVersion: run.jobVersion,
      trigger: 'RETRY',
      scheduledAt: run.scheduledAt,
      params: run.params,
      retryOf: run.id,
    });
  }

  async find(id: string): Promise<RunEntity | null> {
    if (!UUID.test(id)) return null;
    return this.dataSource.manager.findOne(RunEntity, { where: { id } });
  }

  async list(filter: {
    jobName?: string | null;
    status?: RunStatus | null;
    limit?: number | null;
  }): Promise<RunEntity[]> {
    const limit = this.limit(filter.limit);
    const q = this.dataSource.manager.createQueryBuilder(RunEntity, 'r').orderBy('r.created_at', 'DESC').limit(limit);
    if (filter.jobName) q.andWhere('r.job_name = :jobName', { jobName: filter.jobName });
    if (filter.status) q.andWhere('r.status = :status', { status: filter.status });
    return q.getMany();
  }

  limit(value: number | null | undefined, field = 'limit', fallback = 50): number {
    if (value === null || value === undefined) return fallback;
    if (!Number.isInteger(value) || value < 1 || value > 10_000) throw badUserInput(`${field}: must be 1..10000`);
    return value;
  }

  private async mustFind(id: string): Promise<RunEntity> {
    const run = await this.find(id);
    if (!run) throw notFound(`run "${id}" not found`);
    return run;
  }

  private async enqueue(
    run: Omit<RunEntity, 'id' | 'seq' | 'status' | 'createdAt' | 'startedAt' | 'finishedAt' | 'cancelRequestedAt'>,
  ): Promise<RunEntity> {
    return this.dataSource.transaction(async (tx) => {
      const saved = await tx.save(RunEntity, {
        ...run,
        status: 'QUEUED',
        createdAt: this.clock.now(),
        startedAt: null,
        finishedAt: null,
        cancelRequestedAt: null,
      });
      await this.notifier.notify(CHANNELS.wake, `run:${saved.id}`, tx);
      await this.notifier.notify(CHANNELS.runs, saved.id, tx); // runUpdated subscribers see the new run
      return saved;
    });
  }
}
