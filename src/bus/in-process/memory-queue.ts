interface Entry {
  readonly seq: number;
  readonly subject: string;
  readonly data: Uint8Array;
  delivered: number;
  state: 'ready' | 'pending' | 'delayed';
  timer: NodeJS.Timeout | null;
}

export interface TakenMessage {
  readonly seq: number;
  readonly subject: string;
  readonly data: Uint8Array;
  readonly redeliveries: number;
}

/**
 * An in-memory work queue with JetStream's consumer semantics: a taken message is pending until
 * acked or termed, comes back after the ack wait (restarted by `working`) or after a nak, and
 * messages coming back go out before new ones, oldest first. Messages are kept as bytes, so every
 * taker decodes its own copy.
 */
export class MemoryQueue {
  private nextSeq = 1;
  private readonly live = new Map<number, Entry>();
  private fresh: Entry[] = [];
  private freshHead = 0;
  private readonly returned: Entry[] = [];
  private readyCount = 0;

  constructor(
    private readonly ackWaitMs: number,
    /** Called whenever a message becomes available to take. */
    private readonly onAvailable: () => void,
  ) {}

  get available(): number {
    return this.readyCount;
  }

  push(subject: string, data: Uint8Array): void {
    const entry: Entry = { seq: this.nextSeq++, subject, data, delivered: 0, state: 'ready', timer: null };
    this.live.set(entry.seq, entry);
    this.fresh.push(entry);
    this.readyCount++;
    this.onAvailable();
  }

  take(): TakenMessage | undefined {
    const entry = this.nextReady();
    if (!entry) return undefined;
    this.readyCount--;
    entry.state = 'pending';
    entry.delivered++;
    this.armAckWait(entry);
    return { seq: entry.seq, subject: entry.subject, data: entry.data, redeliveries: entry.delivered - 1 };
  }

  /** Ack and term both end the message, even from an older delivery (as JetStream does). */
  remove(seq: number): void {
    const entry = this.live.get(seq);
    if (!entry) return;
    this.clearTimer(entry);
    if (entry.state === 'ready') this.readyCount--;
    this.live.delete(seq);
  }

  nak(seq: number, delayMs: number): void {
    const entry = this.live.get(seq);
    if (!entry || entry.state !== 'pending') return;
    this.clearTimer(entry);
    if (delayMs <= 0) {
      this.makeReady(entry);
      return;
    }
    entry.state = 'delayed';
    entry.timer = setTimeout(() => this.makeReady(entry), delayMs);
    entry.timer.unref();
  }

  working(seq: number): void {
    const entry = this.live.get(seq);
    if (entry?.state === 'pending') this.armAckWait(entry);
  }

  close(): void {
    for (const entry of this.live.values()) this.clearTimer(entry);
  }

  private armAckWait(entry: Entry): void {
    this.clearTimer(entry);
    entry.timer = setTimeout(() => this.makeReady(entry), this.ackWaitMs);
    entry.timer.unref();
  }

  private makeReady(entry: Entry): void {
    if (this.live.get(entry.seq) !== entry || entry.state === 'ready') return;
    this.clearTimer(entry);
    entry.state = 'ready';
    this.readyCount++;
    insertBySeq(this.returned, entry);
    this.onAvailable();
  }

  private nextReady(): Entry | undefined {
    for (let entry = this.returned.shift(); entry; entry = this.returned.shift()) {
      if (this.isReady(entry)) return entry;
    }
    while (this.freshHead < this.fresh.length) {
      const entry = this.fresh[this.freshHead++];
      this.compactFresh();
      if (this.isReady(entry)) return entry;
    }
    return undefined;
  }

  // An entry can sit in a list after it was removed or taken again; only the live, ready one counts.
  private isReady(entry: Entry): boolean {
    return this.live.get(entry.seq) === entry && entry.state === 'ready';
  }

  private compactFresh(): void {
    if (this.freshHead > 1024 && this.freshHead * 2 > this.fresh.length) {
      this.fresh = this.fresh.slice(this.freshHead);
      this.freshHead = 0;
    }
  }

  private clearTimer(entry: Entry): void {
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = null;
  }
}

function insertBySeq(list: Entry[], entry: Entry): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].seq < entry.seq) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, entry);
}
