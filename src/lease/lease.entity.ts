import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The planner leader's lease: one row. Its epoch fences every write the leader makes. */
@Entity('planner_lease')
export class LeaseEntity {
  @PrimaryColumn({ type: 'text' })
  name: string;

  @Column({ name: 'holder_id', type: 'text', nullable: true })
  holderId: string | null;

  @Column({ type: 'bigint', default: 0, transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  epoch: number;

  @Column({ name: 'acquired_at', type: 'timestamptz', nullable: true })
  acquiredAt: Date | null;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;
}

/** Every planner instance, leader or standby, as last seen. */
@Entity('planners')
export class PlannerInstanceEntity {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ type: 'text' })
  host: string;

  @Column({ type: 'int' })
  pid: number;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt: Date;
}
