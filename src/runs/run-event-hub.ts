/**
 * The subscription fan-out, apart from PostgreSQL and GraphQL so it can be tested alone.
 *
 * Notifications name changed runs; the hub gathers the ids that arrive while it is busy,
 * loads them with ONE call per batch (however many subscribers are waiting), and hands each
 * loaded run to the subscribers whose filter it matches. Nothing is loaded while nobody
 * listens, and nothing is ever polled.
 */

export interface RunLike {
  id: string;
  jobName: string;
}

/** `runUpdated(id, jobName)`: null means "any". */
export interface RunFilter {
  id: string | null;
  jobName: string | null;
}

/** What one load returns: the runs, and something shared by every event of that batch. */
export interface RunBatch<R extends RunLike, S> {
  runs: R[];
  shared: S;
}

export interface RunEvent<R extends RunLike, S> {
  run: R;
  shared: S;
}

export type RunLoader<R extends RunLike, S> = (ids: string[]) => Promise<RunBatch<R, S>>;

/**
 * A subscriber's queue. A slow reader never falls further behind than one event per run:
 * a newer event for a run replaces the one still waiting (each event is the run as it
 * stands, so only the latest matters).
 */
export class RunEventStream<R extends RunLike, S> implements AsyncIterableIterator<RunEvent<R, S>> {
  private readonly waiting = new Map<string, RunEvent<R, S>>();
  private reader: ((result: IteratorResult<RunEvent<R, S>>) => void) | null = null;
  private closed = false;

  constructor(
    readonly filter: RunFilter,
    private readonly onClose: (stream: RunEventStream<R, S>) => void,
  ) {}

  matches(run: RunLike): boolean {
    return (
      (this.filter.id === null || this.filter.id === run.id) &&
      (this.filter.jobName === null || this.filter.jobName === run.jobName)
    );
  }

  push(event: RunEvent<R, S>): void {
    if (this.closed) return;
    if (this.reader) {
      const read = this.reader;
      this.reader = null;
      read({ value: event, done: false });
      return;
    }
    this.waiting.delete(event.run.id);
    this.waiting.set(event.run.id, event);
  }

  next(): Promise<IteratorResult<RunEvent<R, S>>> {
    const first = this.waiting.entries().next();
    if (!first.done) {
      this.waiting.delete(first.value[0]);
      return Promise.resolve({ value: first.value[1], done: false });
    }
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.reader = resolve));
  }

  /** Called when the client unsubscribes or disconnects. */
  return(): Promise<IteratorResult<RunEvent<R, S>>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(err: unknown): Promise<IteratorResult<RunEvent<R, S>>> {
    this.close();
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.waiting.clear();
    this.onClose(this);
    const read = this.reader;
    this.reader = null;
    read?.({ value: undefined, done: true });
  }
}

export class RunEventHub<R extends RunLike, S> {
  private readonly streams = new Set<RunEventStream<R, S>>();
  private pending = new Set<string>();
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly load: RunLoader<R, S>,
    private readonly onError: (err: Error) => void = () => undefined,
  ) {}

  get subscribers(): number {
    return this.streams.size;
  }

  subscribe(filter: RunFilter): RunEventStream<R, S> {
    const stream = new RunEventStream<R, S>(filter, (s) => this.streams.delete(s));
    this.streams.add(stream);
    return stream;
  }

  /** Runs changed (a notification's payload). Loads them soon, batched with whatever else arrives. */
  notify(ids: Iterable<string>): void {
    if (this.streams.size === 0) return;
    for (const id of ids) if (id) this.pending.add(id);
    if (this.pending.size) this.flushing ??= this.drain();
  }

  /** Resolves once everything notified so far has been handed out (for tests and shutdown). */
  async settled(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  closeAll(): void {
    for (const stream of [...this.streams]) stream.close();
  }

  /** One load at a time: ids that arrive meanwhile wait and go together in the next one. */
  private async drain(): Promise<void> {
    // Let the notifications that arrived in the same tick join this batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      while (this.pending.size && this.streams.size) {
        const ids = this.wanted([...this.pending]);
        this.pending = new Set();
        if (!ids.length) continue;
        try {
          const batch = await this.load(ids);
          this.fanOut(batch);
        } catch (err) {
          this.onError(err as Error);
        }
      }
      this.pending.clear();
    } finally {
      this.flushing = null;
    }
  }

  /** When every subscriber names its run, only those runs need loading. */
  private wanted(ids: string[]): string[] {
    const named = new Set<string>();
    for (const stream of this.streams) {
      if (stream.filter.id === null) return ids;
      named.add(stream.filter.id);
    }
    return ids.filter((id) => named.has(id));
  }

  private fanOut(batch: RunBatch<R, S>): void {
    for (const run of batch.runs) {
      for (const stream of this.streams) {
        if (stream.matches(run)) stream.push({ run, shared: batch.shared });
      }
    }
  }
}
