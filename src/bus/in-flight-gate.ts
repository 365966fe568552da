/**
 * Counts deliveries a consumer holds (handed out or reserved for a pull in progress) against its
 * `maxInFlight`, so several queues served by one consumer share one limit.
 */
export class InFlightGate {
  private used = 0;
  private waiters: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`maxInFlight must be a positive integer, got ${limit}`);
  }

  get free(): number {
    return this.limit - this.used;
  }

  take(n: number): void {
    this.used += n;
  }

  release(n: number): void {
    if (n <= 0) return;
    this.used -= n;
    this.wakeAll();
  }

  /** Resolves once a slot is free (or `wakeAll` is called, e.g. on stop: callers re-check their own state). */
  whenFree(): Promise<void> {
    if (this.free > 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
