/** JetStream's `Nats-Msg-Id` de-duplication: an id seen within the window is a duplicate; seeing it again does not extend it. */
export class DedupWindow {
  // Insertion order is expiry order (one window length for all), so pruning stops at the first live id.
  private readonly expiries = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** True if `id` was already seen within the window; otherwise records it and returns false. */
  isDuplicate(id: string): boolean {
    const now = this.now();
    for (const [seen, expiresAt] of this.expiries) {
      if (expiresAt > now) break;
      this.expiries.delete(seen);
    }
    if (this.expiries.has(id)) return true;
    this.expiries.set(id, now + this.windowMs);
    return false;
  }
}
