/** DI token of the planner leader's lease. */
export const LEADER_LEASE = Symbol('LEADER_LEASE');

/** The lease as one planner holds it. `epoch` grows by one at every change of leader. */
export interface LeaseHold {
  holderId: string;
  epoch: number;
  acquiredAt: Date;
  expiresAt: Date;
}

export interface LeaseState {
  holderId: string | null;
  epoch: number;
  acquiredAt: Date | null;
  expiresAt: Date | null;
}

export interface LeaderLease {
  /**
   * Takes the lease when nobody holds it, it lapsed, or we held it before (a planner whose
   * leader loop failed starts over); every acquisition is a new epoch. Null when another
   * holder's lease is live.
   */
  acquire(holderId: string, ttlMs: number): Promise<LeaseHold | null>;
  /** Extends our lease; null when it is no longer ours (lapsed or taken), which means: stop leading. */
  renew(hold: LeaseHold, ttlMs: number): Promise<LeaseHold | null>;
  /** Gives the lease up at once so a standby takes over without waiting for it to lapse. */
  release(hold: LeaseHold): Promise<void>;
  read(): Promise<LeaseState>;
}

export class LeaseLostError extends Error {
  constructor(epoch: number) {
    super(`the planner lease of epoch ${epoch} is no longer held: this planner stops leading`);
  }
}
