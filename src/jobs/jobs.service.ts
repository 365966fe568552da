import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { JobDefinition } from '../../libs/dag/job-definition';
import { JobValidationError, normalizeJobInput } from '../../libs/dag/validate-job';
import { nextFire } from '../../libs/schedule/cron-schedule';
import { CLOCK, type Clock } from '../clock/clock.port';
import { badUserInput, notFound } from '../common/graphql-errors';
import { CHANNELS, PgNotifier } from '../database/pg-notifier';
import { JobVersionEntity } from './job-version.entity';
import { JobEntity } from './job.entity';

/** A job as it stands: identity, state and its current version's definition. */
export interface JobView {
  jobId: string;
  name: string;
  version: number;
  paused: boolean;
  definition: JobDefinition;
  updatedAt: Date;
  fireCursor: Date;
  skippedFires: number;
}

const UNIQUE_VIOLATION = '23505';

/** The wake-up payload that tells the planner leader to reload schedules. */
export const JOBS_CHANGED = 'jobs';

@Injectable()
export class JobsService {
  /** Versions never change once written, so they can be cached forever. */
  private readonly versions = new Map<string, JobDefinition>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly notifier: PgNotifier,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  validate(input: unknown): JobDefinition {
    try {
      return normalizeJobInput(input);
    } catch (err) {
      if (err instanceof JobValidationError) throw badUserInput(err.message);
      throw err;
    }
  }

  async create(input: unknown): Promise<JobView> {
    const definition = this.validate(input);
    const now = this.clock.now();
    try {
      return await this.dataSource.transaction(async (tx) => {
        if (await this.findLiveEntity(definition.name, tx)) throw this.nameTaken(definition.name);
        // Fires count from now on: a new job has missed nothing.
        const job = await tx.save(JobEntity, {
          name: definition.name,
          version: 1,
          paused: definition.paused,
          deletedAt: null,
          createdAt: now,
          updatedAt: now,
          fireCursor: now,
          skippedFires: 0,
        });
        await this.insertVersion(tx, job.id, 1, definition);
        await this.notifier.notify(CHANNELS.wake, JOBS_CHANGED, tx);
        return this.view(job, definition);
      });
    } catch (err) {
      if ((err as { code?: string }).code === UNIQUE_VIOLATION) throw this.nameTaken(definition.name);
      throw err;
    }
  }

  async update(name: string, input: unknown): Promise<JobView> {
    const definition = this.validate(input);
    if (definition.name !== name) {
      throw badUserInput(
        `name: a job's name never changes ("${name}" cannot become "${definition.name}"; create a new job)`,
      );
    }
    const now = this.clock.now();
    return this.dataSource.transaction(async (tx) => {
      const job = await this.lockLive(tx, name);
      const version = job.version + 1;
      const paused = (input as { paused?: boolean | null }).paused ?? job.paused;
      const stored = { ...definition, paused };
      await this.insertVersion(tx, job.id, version, stored);
      // A changed schedule starts from now: its fires before the change are not misfires.
      const fireCursor = job.fireCursor > now ? job.fireCursor : now;
      await tx.update(JobEntity, { id: job.id }, { version, paused, updatedAt: now, fireCursor });
      await this.notifier.notify(CHANNELS.wake, JOBS_CHANGED, tx);
      return this.view({ ...job, version, paused, updatedAt: now, fireCursor }, stored);
    });
  }

  /** Stops schedule fires; manual triggers, backfills and retries still run. */
  async pause(name: string): Promise<JobView> {
    return this.setPaused(name, true);
  }

  /** Restarts fires at the next one: fires during the pause are not misfires. */
  async resume(name: string): Promise<JobView> {
    return this.setPaused(name, false);
  }

  /** Deletes the job; its active runs are asked to cancel. Runs stay readable by id. */
  async delete(name: string): Promise<boolean> {
    await this.dataSource.transaction(async (tx) => {
      const job = await this.lockLive(tx, name);
      await tx.update(JobEntity, { id: job.id }, { deletedAt: this.clock.now() });
      await tx.query(
        `UPDATE runs SET cancel_requested_at = $2
          WHERE job_id = $1 AND status IN ('QUEUED', 'RUNNING') AND cancel_requested_at IS NULL`,
        [job.id, this.clock.now()],
      );
      await this.notifier.notify(CHANNELS.wake, JOBS_CHANGED, tx);
    });
    return true;
  }

  async findByName(name: string): Promise<JobView | null> {
    const live = await this.findLiveEntity(name);
    if (!live) return null;
    return this.view(live, await this.definition(live.id, live.version));
  }

  async list(): Promise<JobView[]> {
    const rows: Array<{
      id: string;
      name: string;
      version: number;
      paused: boolean;
      updated_at: Date;
      fire_cursor: Date;
      skipped_fires: number;
      definition: JobDefinition;
    }> = await this.dataSource.query(
      `SELECT j.id, j.name, j.version, j.paused, j.updated_at, j.fire_cursor, j.skipped_fires, v.definition
         FROM jobs j JOIN job_versions v ON v.job_id = j.id AND v.version = j.version
        WHERE j.deleted_at IS NULL
        ORDER BY j.name`,
    );
    return rows.map((r) => ({
      jobId: r.id,
      name: r.name,
      version: r.version,
      paused: r.paused,
      definition: r.definition,
      updatedAt: r.updated_at,
      fireCursor: r.fire_cursor,
      skippedFires: r.skipped_fires,
    }));
  }

  /** The definition of one version (runs keep the version they began with). */
  async definition(jobId: string, version: number): Promise<JobDefinition> {
    const key = `${jobId}:${version}`;
    const cached = this.versions.get(key);
    if (cached) return cached;
    const row = await this.dataSource.manager.findOneOrFail(JobVersionEntity, { where: { jobId, version } });
    this.versions.set(key, row.definition);
    return row.definition;
  }

  /** The next schedule fire after now, computed by whoever answers; null while paused or unscheduled. */
  nextFireAt(job: JobView): Date | null {
    const { schedule, timezone } = job.definition;
    if (job.paused || !schedule) return null;
    const now = this.clock.now();
    return nextFire(schedule, timezone, job.fireCursor > now ? job.fireCursor : now);
  }

  private async setPaused(name: string, paused: boolean): Promise<JobView> {
    const now = this.clock.now();
    return this.dataSource.transaction(async (tx) => {
      const job = await this.lockLive(tx, name);
      const changes: Partial<JobEntity> = { paused };
      if (!paused && job.paused) changes.fireCursor = job.fireCursor > now ? job.fireCursor : now;
      await tx.update(JobEntity, { id: job.id }, changes);
      await this.notifier.notify(CHANNELS.wake, JOBS_CHANGED, tx);
      return this.view({ ...job, ...changes }, await this.definition(job.id, job.version));
    });
  }

  private async insertVersion(tx: EntityManager, jobId: string, version: number, definition: JobDefinition) {
    await tx.query(`INSERT INTO job_versions (job_id, version, definition) VALUES ($1, $2, $3::jsonb)`, [
      jobId,
      version,
      JSON.stringify(definition),
    ]);
  }

  private async findLiveEntity(name: string, tx: EntityManager = this.dataSource.manager): Promise<JobEntity | null> {
    return tx.createQueryBuilder(JobEntity, 'j').where('j.name = :name AND j.deleted_at IS NULL', { name }).getOne();
  }

  private async lockLive(tx: EntityManager, name: string): Promise<JobEntity> {
    const job = await tx
      .createQueryBuilder(JobEntity, 'j')
      .setLock('pessimistic_write')
      .where('j.name = :name AND j.deleted_at IS NULL', { name })
      .getOne();
    if (!job) throw notFound(`job "${name}" not found`);
    return job;
  }

  private nameTaken(name: string) {
    return badUserInput(`name: a job named "${name}" already exists (use updateJob for a new version)`);
  }

  private view(
    job: Pick<JobEntity, 'id' | 'name' | 'version' | 'paused' | 'updatedAt' | 'fireCursor' | 'skippedFires'>,
    definition: JobDefinition,
  ): JobView {
    return {
      jobId: job.id,
      name: job.name,
      version: job.version,
      paused: job.paused,
      definition,
      updatedAt: job.updatedAt,
      fireCursor: job.fireCursor,
      skippedFires: job.skippedFires,
    };
  }
}
