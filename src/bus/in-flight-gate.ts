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

  /**
   * Waits for a free slot, then takes up to `max` at once (0 if `cancelled()` turned true meanwhile).
   * Taking in the same tick as the check matters: several waiters wake together and must not all
   * count the same free slots.
   */
  async reserve(max: number, cancelled: () => boolean): Promise<number> {
    while (!cancelled()) {
      const n = Math.min(max, this.free);
      if (n > 0) {
        this.take(n);
        return n;
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return 0;
  }

  wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
