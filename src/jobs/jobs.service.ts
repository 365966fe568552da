import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { JobDefinition } from '../../libs/dag/job-definition';
import { JobValidationError, normalizeJobInput } from '../../libs/dag/validate-job';
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
}

const UNIQUE_VIOLATION = '23505';

@Injectable()
export class JobsService {
  /** Versions never change once written, so they can be cached forever. */
  private readonly versions = new Map<string, JobDefinition>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly notifier: PgNotifier,
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
    try {
      return await this.dataSource.transaction(async (tx) => {
        if (await this.findLiveEntity(definition.name, tx)) throw this.nameTaken(definition.name);
        const job = await tx.save(JobEntity, {
          name: definition.name,
          version: 1,
          paused: definition.paused,
          deletedAt: null,
        });
        await this.insertVersion(tx, job.id, 1, definition);
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
    return this.dataSource.transaction(async (tx) => {
      const job = await this.lockLive(tx, name);
      const version = job.version + 1;
      const paused = (input as { paused?: boolean | null }).paused ?? job.paused;
      await this.insertVersion(tx, job.id, version, { ...definition, paused });
      await tx.update(JobEntity, { id: job.id }, { version, paused, updatedAt: new Date() });
      return this.view({ ...job, version, paused, updatedAt: new Date() }, { ...definition, paused });
    });
  }

  /** Deletes the job; its active runs are asked to cancel. Runs stay readable by id. */
  async delete(name: string): Promise<boolean> {
    await this.dataSource.transaction(async (tx) => {
      const job = await this.lockLive(tx, name);
      await tx.update(JobEntity, { id: job.id }, { deletedAt: new Date() });
      await tx.query(
        `UPDATE runs SET cancel_requested_at = now()
          WHERE job_id = $1 AND status IN ('QUEUED', 'RUNNING') AND cancel_requested_at IS NULL`,
        [job.id],
      );
      await this.notifier.notify(CHANNELS.wake, 'job-deleted', tx);
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
      definition: JobDefinition;
    }> = await this.dataSource.query(
      `SELECT j.id, j.name, j.version, j.paused, v.created_at AS updated_at, v.definition
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

  private async insertVersion(
    tx: EntityManager,
    jobId: string,
    version: number,
    definition: JobDefinition,
  ): Promise<void> {
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
    job: Pick<JobEntity, 'id' | 'name' | 'version' | 'paused' | 'updatedAt'>,
    definition: JobDefinition,
  ): JobView {
    return {
      jobId: job.id,
      name: job.name,
      version: job.version,
      paused: job.paused,
      definition,
      updatedAt: job.updatedAt,
    };
  }
}
