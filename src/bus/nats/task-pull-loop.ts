import { setTimeout as sleep } from 'node:timers/promises';
import type { Msg, NatsConnection } from '@nats-io/transport-node';
import { decodeMessage, taskMessageSchema, type TaskMessage } from '../../../libs/contracts/messages';
import { describeError, type BusLogger } from '../bus-codec';
import type { InFlightGate } from '../in-flight-gate';
import type { Delivery } from '../task-bus.port';
import { natsDelivery, sendAckToken } from './jetstream-delivery';
import { JetStreamPuller } from './jetstream-puller';

export interface TaskPullLoopOptions {
  nc: NatsConnection;
  queue: string;
  nextSubject: string;
  gate: InFlightGate;
  /** Most a busy pull asks for; an idle one asks for `idleBatch` so other queues of the same gate are not starved. */
  busyBatch: number;
  idleBatch: number;
  pullWaitMs: number;
  ackTimeoutMs: number;
  /** Creates or repairs the queue's consumer (and stream); retried with backoff until it works. */
  ensureConsumer: () => Promise<void>;
  onTask: (delivery: Delivery<TaskMessage>) => void;
  logger: BusLogger;
}

const MIN_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 5_000;

/** Pulls one queue's durable consumer into `onTask`, holding the gate's slots for everything unsettled. */
export class TaskPullLoop {
  private readonly abort = new AbortController();
  private readonly finished: Promise<void>;
  private puller: JetStreamPuller | null = null;

  constructor(private readonly o: TaskPullLoopOptions) {
    this.finished = this.run().catch((err: unknown) => {
      this.o.logger.warn(`task consumer for queue ${o.queue} stopped on error: ${describeError(err)}`);
    });
  }

  /** Resolves once the last pull has ended; whatever it brought after the stop was nak'ed, not handed out. */
  stop(): Promise<void> {
    this.abort.abort();
    this.o.gate.wakeAll();
    return this.finished;
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  private async run(): Promise<void> {
    if (!(await this.ensureWithBackoff())) return;
    this.puller = new JetStreamPuller(this.o.nc, this.o.nextSubject, this.o.logger);
    let idle = false;
    let failures = 0;
    while (!this.stopped) {
      const batch = await this.o.gate.reserve(idle ? this.o.idleBatch : this.o.busyBatch, () => this.stopped);
      if (batch === 0) break;
      let handedOut = 0;
      try {
        const outcome = await this.puller.pull(batch, this.o.pullWaitMs);
        handedOut = this.handOut(outcome.messages);
        idle = outcome.messages.length === 0;
        if (outcome.end === 'lost' || outcome.end === 'refused') {
          failures++;
          if (!this.stopped) await this.pause(failures);
          if (!(await this.ensureWithBackoff())) break;
        } else {
          failures = 0;
        }
      } catch (err) {
        // A closed connection never comes back (reconnects are unlimited), so there is nothing left to pull.
        if (this.o.nc.isClosed()) break;
        failures++;
        this.o.logger.warn(`pull on queue ${this.o.queue} failed: ${describeError(err)}`);
        await this.pause(failures);
      } finally {
        this.o.gate.release(batch - handedOut);
      }
    }
    this.puller.dispose();
  }

  /** Returns how many deliveries were handed out; each keeps one gate slot until settled. */
  private handOut(messages: Msg[]): number {
    let handedOut = 0;
    for (const msg of messages) {
      if (this.stopped) {
        sendAckToken(this.o.nc, msg, '-NAK', this.o.logger);
        continue;
      }
      const decoded = decodeMessage(taskMessageSchema, msg.data);
      if (!decoded.ok) {
        this.o.logger.warn(`dropping malformed task message on ${msg.subject}: ${decoded.error}`);
        sendAckToken(this.o.nc, msg, '+TERM', this.o.logger);
        continue;
      }
      handedOut++;
      const delivery = natsDelivery(this.o.nc, msg, decoded.value, {
        ackMode: 'plain',
        ackTimeoutMs: this.o.ackTimeoutMs,
        logger: this.o.logger,
        onSettled: () => this.o.gate.release(1),
      });
      try {
        this.o.onTask(delivery);
      } catch (err) {
        this.o.logger.warn(`task handler threw for ${decoded.value.taskId}: ${describeError(err)}; handing it back`);
        delivery.nak();
      }
    }
    return handedOut;
  }

  private async ensureWithBackoff(): Promise<boolean> {
    for (let attempt = 1; !this.stopped; attempt++) {
      try {
        await this.o.ensureConsumer();
        return true;
      } catch (err) {
        this.o.logger.warn(`cannot set up the consumer of queue ${this.o.queue} (retrying): ${describeError(err)}`);
        await this.pause(attempt);
      }
    }
    return false;
  }

  private async pause(failures: number): Promise<void> {
    const ms = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** Math.max(0, failures - 1));
    await sleep(ms, undefined, { signal: this.abort.signal }).catch(() => undefined);
  }
}
