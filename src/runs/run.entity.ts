import { Column, Entity, Generated, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { JobEntity } from '../jobs/job.entity';
import type { JsonObject } from '../../libs/dag/job-definition';

export const RUN_STATUSES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const RUN_TRIGGERS = ['SCHEDULE', 'MANUAL', 'BACKFILL', 'RETRY'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];
export const FINAL_RUN_STATUSES: readonly RunStatus[] = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

@Entity('runs')
@Index('runs_job_created', ['jobId', 'createdAt'])
@Index('runs_created', ['createdAt'])
@Index('runs_active', ['seq'], { where: "status IN ('QUEUED', 'RUNNING')" })
// A schedule fire (or a backfill of it) makes at most one run, even across leader changes.
@Index('runs_one_per_fire', ['jobId', 'scheduledAt'], { unique: true, where: "trigger IN ('SCHEDULE', 'BACKFILL')" })
export class RunEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'job_id', type: 'uuid' })
  jobId: string;

  @ManyToOne(() => JobEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'job_id' })
  job?: JobEntity;

  @Column({ name: 'job_name', type: 'varchar', length: 128 })
  jobName: string;

  @Column({ name: 'job_version', type: 'int' })
  jobVersion: number;

  @Column({ type: 'varchar', length: 16 })
  status: RunStatus;

  @Column({ type: 'varchar', length: 16 })
  trigger: RunTrigger;

  @Column({ name: 'scheduled_at', type: 'timestamptz', nullable: true })
  scheduledAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  params: JsonObject;

  @Column({ name: 'retry_of', type: 'uuid', nullable: true })
  retryOf: string | null;

  /**
   * Insertion order: QUEUED runs start in this order (maxActiveRuns), which clocks cannot
   * give — runs made in one statement (a catch-up, a backfill) share a creation time.
   */
  @Column({ type: 'bigint', select: false, insert: false, update: false })
  @Generated('increment')
  seq: string;

  /** Set by the api; the planner leader acts on it and turns the run CANCELLED. */
  @Column({ name: 'cancel_requested_at', type: 'timestamptz', nullable: true })
  cancelRequestedAt: Date | null;
}
