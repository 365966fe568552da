import { decodeMessage, taskMessageSchema, type TaskMessage } from '../../../libs/contracts/messages';
import { describeError, type BusLogger } from '../bus-codec';
import { SettleOnceDelivery } from '../delivery';
import { InFlightGate } from '../in-flight-gate';
import type { Delivery, Stoppable, TaskConsumerOptions } from '../task-bus.port';
import { MemoryQueue } from './memory-queue';

interface Subscriber {
  readonly queues: string[];
  readonly gate: InFlightGate;
  readonly onTask: (delivery: Delivery<TaskMessage>) => void;
  stopped: boolean;
}

interface QueueState {
  readonly messages: MemoryQueue;
  readonly subscribers: Subscriber[];
  nextSubscriber: number;
  pumpScheduled: boolean;
}

/** Per-queue FIFO work queues and the consumers they feed, round-robin within each consumer's in-flight limit. */
export class TaskDispatcher {
  private readonly queues = new Map<string, QueueState>();

  constructor(
    private readonly ackWaitMs: number,
    private readonly logger: BusLogger,
  ) {}

  push(queue: string, subject: string, data: Uint8Array): void {
    this.queue(queue).messages.push(subject, data);
  }

  subscribe(options: TaskConsumerOptions, onTask: (delivery: Delivery<TaskMessage>) => void): Stoppable {
    const queues = [...new Set(options.queues)];
    if (queues.length === 0) throw new Error('consumeTasks needs at least one queue');
    const subscriber: Subscriber = { queues, gate: new InFlightGate(options.maxInFlight), onTask, stopped: false };
    for (const name of queues) {
      const state = this.queue(name);
      state.subscribers.push(subscriber);
      this.schedulePump(state);
    }
    return {
      stop: async () => {
        subscriber.stopped = true;
        for (const name of queues) {
          const list = this.queue(name).subscribers;
          list.splice(list.indexOf(subscriber), 1);
        }
        // Deliveries scheduled before the stop see `stopped` on their tick and go back instead of out.
        await new Promise<void>((resolve) => setImmediate(resolve));
      },
    };
  }

  close(): void {
    for (const state of this.queues.values()) {
      state.messages.close();
      for (const subscriber of state.subscribers) subscriber.stopped = true;
      state.subscribers.length = 0;
    }
  }

  private queue(name: string): QueueState {
    let state = this.queues.get(name);
    if (!state) {
      const created: QueueState = {
        messages: new MemoryQueue(this.ackWaitMs, () => this.schedulePump(created)),
        subscribers: [],
        nextSubscriber: 0,
        pumpScheduled: false,
      };
      this.queues.set(name, created);
      state = created;
    }
    return state;
  }

  // Coalesced: a publish of thousands of tasks runs one pump, after the publisher's synchronous code.
  private schedulePump(state: QueueState): void {
    if (state.pumpScheduled) return;
    state.pumpScheduled = true;
    queueMicrotask(() => {
      state.pumpScheduled = false;
      this.pump(state);
    });
  }

  private pump(state: QueueState): void {
    while (state.messages.available > 0) {
      const subscriber = this.nextWithRoom(state);
      if (!subscriber) return;
      const taken = state.messages.take();
      if (!taken) return;
      const decoded = decodeMessage(taskMessageSchema, taken.data);
      if (!decoded.ok) {
        this.logger.warn(`dropping malformed task message on ${taken.subject}: ${decoded.error}`);
        state.messages.remove(taken.seq);
        continue;
      }
      subscriber.gate.take(1);
      const delivery = new SettleOnceDelivery(
        decoded.value,
        taken.redeliveries,
        {
          ack: async () => state.messages.remove(taken.seq),
          nak: (delayMs) => state.messages.nak(taken.seq, delayMs),
          working: () => state.messages.working(taken.seq),
          term: () => state.messages.remove(taken.seq),
        },
        () => {
          subscriber.gate.release(1);
          for (const name of subscriber.queues) this.schedulePump(this.queue(name));
        },
      );
      setImmediate(() => this.handOut(subscriber, delivery));
    }
  }

  private handOut(subscriber: Subscriber, delivery: SettleOnceDelivery<TaskMessage>): void {
    if (subscriber.stopped) {
      delivery.nak();
      return;
    }
    try {
      subscriber.onTask(delivery);
    } catch (err) {
      this.logger.warn(`task handler threw for ${delivery.body.taskId}: ${describeError(err)}; handing it back`);
      delivery.nak();
    }
  }

  private nextWithRoom(state: QueueState): Subscriber | undefined {
    const { subscribers } = state;
    for (let i = 0; i < subscribers.length; i++) {
      const index = (state.nextSubscriber + i) % subscribers.length;
      const subscriber = subscribers[index];
      if (!subscriber.stopped && subscriber.gate.free > 0) {
        state.nextSubscriber = (index + 1) % subscribers.length;
        return subscriber;
      }
    }
    return undefined;
  }
}
