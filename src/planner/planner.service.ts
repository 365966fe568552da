import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { TASK_BUS, type TaskBus } from '../bus/task-bus.port';
import { CLOCK, type Clock } from '../clock/clock.port';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { DATABASE_URL } from '../database/database.tokens';
import { CHANNELS } from '../database/pg-notifier';
import { PgListener } from '../database/pg-listener';
import { Dispatcher } from '../dispatch/dispatcher';
import { JobsService } from '../jobs/jobs.service';
import { LEADER_LEASE, type LeaderLease, type LeaseHold } from '../lease/leader-lease.port';
import { PostgresLeaderLease } from '../lease/postgres-leader-lease';
import { WorkersService } from '../workers/workers.service';
import { LeaderLoop } from './leader-loop';

/**
 * Every planner instance competes for the lease; the one that holds it runs the LeaderLoop,
 * the others wait to take over. Each instance also records itself for `Cluster.planners`.
 */
@Injectable()
export class PlannerService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly id = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  private readonly logger = new Logger('Planner');
  private readonly startedAt: Date;
  private timer: NodeJS.Timeout | null = null;
  private hold: LeaseHold | null = null;
  private leader: LeaderLoop | null = null;
  private listener: PgListener;
  private ticking = false;
  private stopping = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(LEADER_LEASE) private readonly lease: LeaderLease,
    private readonly fencing: PostgresLeaderLease,
    @Inject(TASK_BUS) private readonly bus: TaskBus,
    private readonly dispatcher: Dispatcher,
    private readonly jobs: JobsService,
    private readonly workers: WorkersService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE_URL) databaseUrl: string,
  ) {
    this.startedAt = clock.now();
    this.listener = new PgListener(databaseUrl, [CHANNELS.wake], (_channel, payload) => this.leader?.wake(payload));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.listener.start();
    await this.tick();
    // Renew at a third of the lease, so two missed renewals still leave the lease live; standbys
    // look at least every half second, so a lapsed or released lease is taken within a second.
    this.timer = setInterval(() => void this.tick(), Math.max(50, Math.min(500, Math.floor(this.config.leaseMs / 3))));
  }

  get leading(): boolean {
    return this.leader !== null;
  }

  /** Asks the leader (if this instance leads) to look at requests and schedules now. */
  wake(payload = 'jobs'): void {
    this.leader?.wake(payload);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await this.listener.stop();
    await this.stepDown(true);
  }

  /** Heartbeat of this instance, and the lease: take it, keep it, or notice it is gone. */
  private async tick(): Promise<void> {
    if (this.ticking || this.stopping) return;
    this.ticking = true;
    try {
      await this.recordSelf();
      if (this.hold && this.leader) {
        const renewed = await this.lease.renew(this.hold, this.config.leaseMs);
        if (renewed) {
          this.hold = renewed;
          this.leader.renewed(renewed);
        } else {
          this.logger.warn(`lease of epoch ${this.hold.epoch} lost: stepping down`);
          await this.stepDown(false);
        }
      }
      if (!this.leader) {
        const hold = await this.lease.acquire(this.id, this.config.leaseMs);
        if (hold) this.lead(hold);
      }
    } catch (err) {
      this.logger.warn(`planner tick failed: ${(err as Error).message}`);
    } finally {
      this.ticking = false;
    }
  }

  private lead(hold: LeaseHold): void {
    this.hold = hold;
    const loop = new LeaderLoop(hold, {
      dataSource: this.dataSource,
      lease: this.fencing,
      bus: this.bus,
      dispatcher: this.dispatcher,
      jobs: this.jobs,
      workers: this.workers,
      clock: this.clock,
      workerTimeoutMs: this.config.workerTimeoutMs,
    });
    this.leader = loop;
    void loop.start().then(() => {
      if (this.leader === loop) {
        this.leader = null;
        this.hold = null;
      }
    });
  }

  private async stepDown(release: boolean): Promise<void> {
    const loop = this.leader;
    const hold = this.hold;
    this.leader = null;
    this.hold = null;
    await loop?.stop();
    if (release && hold) {
      // Released at once on a clean stop, so a standby takes over without waiting for the lease to lapse.
      await this.lease.release(hold).catch(() => undefined);
    }
  }

  private async recordSelf(): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO planners (id, host, pid, started_at, last_seen_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at`,
      [this.id, hostname(), process.pid, this.startedAt, this.clock.now()],
    );
  }
}
