/**
 * A set whose keys expire after `ttlMs` and which never holds more than `maxSize` keys
 * (the oldest go first), so a flood of cancels cannot grow a worker's memory.
 */
export class ExpiringSet {
  /** Key → expiry time; insertion order is expiry order, because the TTL is fixed. */
  private readonly expiries = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxSize: number,
    private readonly now: () => number,
  ) {}

  get size(): number {
    return this.expiries.size;
  }

  add(key: string): void {
    this.expiries.delete(key);
    this.expiries.set(key, this.now() + this.ttlMs);
    this.prune();
  }

  has(key: string): boolean {
    const expiry = this.expiries.get(key);
    if (expiry === undefined) return false;
    if (expiry > this.now()) return true;
    this.expiries.delete(key);
    return false;
  }

  private prune(): void {
    const now = this.now();
    for (const [key, expiry] of this.expiries) {
      if (expiry > now && this.expiries.size <= this.maxSize) return;
      this.expiries.delete(key);
    }
  }
}
