import type { Clock } from '../clock/clock.port';
import type { LeaderLease, LeaseHold, LeaseState } from './leader-lease.port';

/** The lease for planners that share one process (tests of election logic); same rules as PostgreSQL's. */
export class InMemoryLeaderLease implements LeaderLease {
  private state: LeaseState = { holderId: null, epoch: 0, acquiredAt: null, expiresAt: null };

  constructor(private readonly clock: Clock) {}

  async acquire(holderId: string, ttlMs: number): Promise<LeaseHold | null> {
    const now = this.clock.now();
    const live =
      this.state.holderId !== null &&
      this.state.holderId !== holderId &&
      this.state.expiresAt !== null &&
      this.state.expiresAt > now;
    if (live) return null;
    this.state = {
      holderId,
      epoch: this.state.epoch + 1,
      acquiredAt: now,
      expiresAt: new Date(now.getTime() + ttlMs),
    };
    return this.snapshot();
  }

  async renew(hold: LeaseHold, ttlMs: number): Promise<LeaseHold | null> {
    const now = this.clock.now();
    const ours = this.state.holderId === hold.holderId && this.state.epoch === hold.epoch;
    if (!ours || !this.state.expiresAt || this.state.expiresAt <= now) return null;
    this.state = { ...this.state, expiresAt: new Date(now.getTime() + ttlMs) };
    return this.snapshot();
  }

  async release(hold: LeaseHold): Promise<void> {
    if (this.state.holderId === hold.holderId && this.state.epoch === hold.epoch) {
      this.state = { ...this.state, holderId: null, expiresAt: this.clock.now() };
    }
  }

  async read(): Promise<LeaseState> {
    return { ...this.state };
  }

  private snapshot(): LeaseHold {
    return {
      holderId: this.state.holderId as string,
      epoch: this.state.epoch,
      acquiredAt: this.state.acquiredAt as Date,
      expiresAt: this.state.expiresAt as Date,
    };
  }
}
