import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { RunEntity } from './run.entity';

/**
 * Per-run, per-step progress counters, written by the planner leader in the same
 * transaction as the task changes they count. A new leader rebuilds readiness from them.
 */
@Entity('run_steps')
export class RunStepEntity {
  @PrimaryColumn({ name: 'run_id', type: 'uuid' })
  runId: string;

  @PrimaryColumn({ name: 'step_key', type: 'varchar', length: 64 })
  stepKey: string;

  @ManyToOne(() => RunEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_id' })
  run?: RunEntity;

  /** PENDING | EXPANDED | SKIPPED | CANCELLED */
  @Column({ type: 'varchar', length: 16, default: 'PENDING' })
  phase: string;

  @Column({ type: 'boolean', default: false })
  started: boolean;

  @Column({ type: 'int' })
  shards: number;

  @Column({ type: 'int', default: 0 })
  succeeded: number;

  @Column({ type: 'int', default: 0 })
  failed: number;

  @Column({ type: 'int', default: 0 })
  skipped: number;

  @Column({ type: 'int', default: 0 })
  cancelled: number;
}
