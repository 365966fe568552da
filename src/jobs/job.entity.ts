import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A job's identity and the state that is not versioned (paused, current version). */
@Entity('jobs')
@Index('jobs_name_live', ['name'], { unique: true, where: 'deleted_at IS NULL' })
export class JobEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 128 })
  name: string;

  @Column({ type: 'int' })
  version: number;

  @Column({ type: 'boolean', default: false })
  paused: boolean;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;

  /**
   * The schedule's cursor: fires at or before it have been handled (fired, skipped, or not
   * due because the job was created, changed or resumed later). Only fires after it are made.
   */
  @Column({ name: 'fire_cursor', type: 'timestamptz', default: () => 'now()' })
  fireCursor: Date;

  /** Fires that made no run: skipped by FORBID, by the misfire policy, or beyond CATCH_UP's limit. */
  @Column({ name: 'skipped_fires', type: 'int', default: 0 })
  skippedFires: number;

  /** Soft delete: runs of a deleted job stay readable, and the name can be used again. */
  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt: Date | null;
}
