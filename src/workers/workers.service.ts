import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { HeartbeatMessage } from '../../libs/contracts/messages';
import { CLOCK, type Clock } from '../clock/clock.port';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { WorkerEntity } from './worker.entity';

export interface WorkerView extends WorkerEntity {
  alive: boolean;
}

@Injectable()
export class WorkersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Records the latest heartbeat of each worker in one statement (called by the planner leader). */
  async recordHeartbeats(tx: EntityManager, heartbeats: HeartbeatMessage[]): Promise<void> {
    const latest = new Map<string, HeartbeatMessage>();
    for (const hb of heartbeats) latest.set(hb.workerId, hb);
    const rows = [...latest.values()];
    if (rows.length === 0) return;
    await tx.query(
      `INSERT INTO workers (id, host, pid, queues, handlers, running, first_seen_at, last_seen_at)
       SELECT v.id, v.host, v.pid, string_to_array(v.queues, ','), string_to_array(v.handlers, ','), v.running, v.at, v.at
         FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::int[], $7::timestamptz[])
              AS v(id, host, pid, queues, handlers, running, at)
       ON CONFLICT (id) DO UPDATE
          SET host = EXCLUDED.host, pid = EXCLUDED.pid, queues = EXCLUDED.queues, handlers = EXCLUDED.handlers,
              running = EXCLUDED.running, last_seen_at = GREATEST(workers.last_seen_at, EXCLUDED.last_seen_at)`,
      [
        rows.map((r) => r.workerId),
        rows.map((r) => r.host),
        rows.map((r) => r.pid),
        rows.map((r) => r.queues.join(',')),
        rows.map((r) => r.handlers.join(',')),
        rows.map((r) => r.running),
        rows.map((r) => r.at),
      ],
    );
  }

  /** Workers heard from within the last hour, newest first; `alive` = heard within the worker timeout. */
  async list(): Promise<WorkerView[]> {
    const now = this.clock.now().getTime();
    const rows = await this.dataSource.manager
      .createQueryBuilder(WorkerEntity, 'w')
      .where('w.last_seen_at > :since', { since: new Date(now - 3_600_000) })
      .orderBy('w.last_seen_at', 'DESC')
      .getMany();
    return rows.map((w) => ({ ...w, alive: now - w.lastSeenAt.getTime() <= this.config.workerTimeoutMs }));
  }
}
