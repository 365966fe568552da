import { createInbox, nanos, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { describeError, type BusLogger } from '../bus-codec';

export interface PullOutcome {
  messages: Msg[];
  /**
   * `drained`: the server ended it (nothing more now); `full`: the batch filled; `refused`: the server
   * refused it (409: consumer deleted, limits); `lost`: no answer in time (disconnected, consumer or stream gone).
   */
  end: 'drained' | 'full' | 'refused' | 'lost';
}

/** How long past `expires` to wait for the server's closing status before calling a pull lost. */
const STATUS_GRACE_MS = 1_000;
/** A lost pull's inbox stays open this long to nak late messages, so they come back now and not after the ack wait. */
const STRAGGLER_WINDOW_MS = 5_000;

/**
 * Pull requests with `no_wait` + `expires` (server ≥ 2.9): the server waits up to `expires` for a
 * first message, then hands out what is available and ends the request at once. The client's
 * `fetch` cannot ask for that (it waits for a full batch or `expires`), hence this small puller.
 * Messages of a pull carry their own subject, not the inbox, so each pull gets its own inbox.
 */
export class JetStreamPuller {
  private inProgress: { end: (outcome: PullOutcome['end']) => void } | null = null;
  private readonly stragglerSubs = new Set<Subscription>();
  private closed = false;

  constructor(
    private readonly nc: NatsConnection,
    private readonly nextSubject: string,
    private readonly logger: BusLogger,
  ) {}

  /** Resolves with up to `batch` messages: at once if any are waiting, else after the first arrives or `waitMs` passes. */
  pull(batch: number, waitMs: number): Promise<PullOutcome> {
    if (this.closed) return Promise.resolve({ messages: [], end: 'lost' });
    if (this.inProgress) return Promise.reject(new Error('a pull is already in progress'));
    const inbox = createInbox();
    const request = waitMs > 0 ? { batch, no_wait: true, expires: nanos(waitMs) } : { batch, no_wait: true };
    return new Promise<PullOutcome>((resolve, reject) => {
      const messages: Msg[] = [];
      let finished = false;
      const end = (outcome: PullOutcome['end']): void => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        this.inProgress = null;
        if (outcome === 'lost') this.keepForStragglers(sub);
        else sub.unsubscribe();
        resolve({ messages, end: outcome });
      };
      const sub = this.nc.subscribe(inbox, {
        callback: (err, msg) => {
          if (err) {
            this.logger.warn(`pull on ${this.nextSubject} failed: ${describeError(err)}`);
            end('lost');
          } else if (finished) {
            this.nak(msg);
          } else {
            const status = this.statusOf(msg);
            if (status === 'data') {
              messages.push(msg);
              if (messages.length >= batch) end('full');
            } else if (status !== 'ignore') {
              end(status);
            }
          }
        },
      });
      const timer = setTimeout(() => end('lost'), waitMs + STATUS_GRACE_MS);
      this.inProgress = { end };
      try {
        this.nc.publish(this.nextSubject, JSON.stringify(request), { reply: inbox });
      } catch (err) {
        clearTimeout(timer);
        this.inProgress = null;
        sub.unsubscribe();
        reject(err);
      }
    });
  }

  /** Ends a pull in progress with what it has; late messages are nak'ed for a while, then left to the ack wait. */
  close(): void {
    this.closed = true;
    this.inProgress?.end('lost');
  }

  /** Drops the straggler inboxes at once (the connection is closing). */
  dispose(): void {
    this.close();
    for (const sub of this.stragglerSubs) sub.unsubscribe();
    this.stragglerSubs.clear();
  }

  private statusOf(msg: Msg): 'data' | 'ignore' | 'drained' | 'refused' {
    const code = msg.headers?.code ?? 0;
    if (msg.reply || code === 0) return 'data';
    if (code === 100) return 'ignore';
    if (code === 404 || code === 408) return 'drained';
    this.logger.warn(`pull on ${this.nextSubject} refused: ${code} ${msg.headers?.description ?? ''}`);
    return 'refused';
  }

  private keepForStragglers(sub: Subscription): void {
    this.stragglerSubs.add(sub);
    const timer = setTimeout(() => {
      this.stragglerSubs.delete(sub);
      sub.unsubscribe();
    }, STRAGGLER_WINDOW_MS);
    timer.unref();
  }

  private nak(msg: Msg): void {
    if (!msg.reply) return;
    try {
      this.nc.publish(msg.reply, '-NAK');
    } catch {
      // The connection is gone: the server redelivers after the ack wait anyway.
    }
  }
}
