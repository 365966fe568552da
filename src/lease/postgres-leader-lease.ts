import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { CLOCK, type Clock } from '../clock/clock.port';
import { returnedRows } from '../database/returning';
import { type LeaderLease, type LeaseHold, LeaseLostError, type LeaseState } from './leader-lease.port';

interface LeaseRow {
  holder_id: string | null;
  epoch: string;
  acquired_at: Date | null;
  expires_at: Date | null;
}

/**
 * The lease as one row in PostgreSQL. Every change is a single conditional UPDATE, so two
 * planners racing for it cannot both win; times come from the injected clock (planners are
 * assumed to keep their clocks within a small fraction of the lease of each other).
 */
@Injectable()
export class PostgresLeaderLease implements LeaderLease {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async acquire(holderId: string, ttlMs: number): Promise<LeaseHold | null> {
    const now = this.clock.now();
    const rows = returnedRows<LeaseRow>(
      await this.dataSource.query(
        `UPDATE planner_lease
          SET holder_id = $1, epoch = epoch + 1, acquired_at = $2, expires_at = $3
        WHERE name = 'leader' AND (holder_id IS NULL OR holder_id = $1 OR expires_at IS NULL OR expires_at <= $2)
        RETURNING holder_id, epoch, acquired_at, expires_at`,
        [holderId, now, new Date(now.getTime() + ttlMs)],
      ),
    );
    return rows.length ? this.hold(rows[0]) : null;
  }

  async renew(hold: LeaseHold, ttlMs: number): Promise<LeaseHold | null> {
    const now = this.clock.now();
    const rows = returnedRows<LeaseRow>(
      await this.dataSource.query(
        `UPDATE planner_lease SET expires_at = $4
        WHERE name = 'leader' AND holder_id = $1 AND epoch = $2 AND expires_at > $3
        RETURNING holder_id, epoch, acquired_at, expires_at`,
        [hold.holderId, hold.epoch, now, new Date(now.getTime() + ttlMs)],
      ),
    );
    return rows.length ? this.hold(rows[0]) : null;
  }

  async release(hold: LeaseHold): Promise<void> {
    await this.dataSource.query(
      `UPDATE planner_lease SET holder_id = NULL, expires_at = $3
        WHERE name = 'leader' AND holder_id = $1 AND epoch = $2`,
      [hold.holderId, hold.epoch, this.clock.now()],
    );
  }

  async read(): Promise<LeaseState> {
    const [row]: LeaseRow[] = await this.dataSource.query(
      `SELECT holder_id, epoch, acquired_at, expires_at FROM planner_lease WHERE name = 'leader'`,
    );
    if (!row) return { holderId: null, epoch: 0, acquiredAt: null, expiresAt: null };
    return {
      holderId: row.holder_id,
      epoch: Number(row.epoch),
      acquiredAt: row.acquired_at,
      expiresAt: row.expires_at,
    };
  }

  /**
   * Fencing: runs `work` in a transaction that first locks the lease row FOR SHARE and checks
   * that it is still ours and live. A rival's takeover (an UPDATE of that row) waits for this
   * transaction, so a deposed leader's write either lands before the takeover or not at all.
   */
  async fenced<T>(hold: LeaseHold, work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (tx) => {
      // The epoch is also set for the transaction (shardflow.epoch), so audits and triggers can see who wrote.
      const rows: unknown[] = await tx.query(
        `SELECT set_config('shardflow.epoch', $4, true) FROM planner_lease
          WHERE name = 'leader' AND holder_id = $1 AND epoch = $2 AND expires_at > $3
          FOR SHARE`,
        [hold.holderId, hold.epoch, this.clock.now(), String(hold.epoch)],
      );
      if (rows.length === 0) throw new LeaseLostError(hold.epoch);
      return work(tx);
    });
  }

  private hold(row: LeaseRow): LeaseHold {
    return {
      holderId: row.holder_id as string,
      epoch: Number(row.epoch),
      acquiredAt: row.acquired_at as Date,
      expiresAt: row.expires_at as Date,
    };
  }
}
