import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Workers as last heard on sf.workers.heartbeat; written in batches by the planner leader. */
@Entity('workers')
export class WorkerEntity {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ type: 'text' })
  host: string;

  @Column({ type: 'int' })
  pid: number;

  @Column({ type: 'text', array: true })
  queues: string[];

  @Column({ type: 'text', array: true })
  handlers: string[];

  @Column({ type: 'int' })
  running: number;

  @Column({ name: 'first_seen_at', type: 'timestamptz' })
  firstSeenAt: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt: Date;
}
