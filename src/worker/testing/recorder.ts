/** An append-only list whose items can be awaited: tests wait for events, never for time. */
export class Recorder<T> {
  readonly items: T[] = [];
  private waiters: { match: (item: T) => boolean; resolve: (item: T) => void }[] = [];

  push(item: T): void {
    this.items.push(item);
    const pending: typeof this.waiters = [];
    for (const waiter of this.waiters) {
      if (waiter.match(item)) waiter.resolve(item);
      else pending.push(waiter);
    }
    this.waiters = pending;
  }

  /** The first item, recorded already or to come, that matches. */
  next(match: (item: T) => boolean = () => true): Promise<T> {
    const found = this.items.find(match);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  /** Resolves once `count` items were recorded. */
  async count(count: number): Promise<void> {
    if (this.items.length >= count) return;
    await this.next(() => this.items.length >= count);
  }
}
