import { Logger } from '@nestjs/common';
import {
  claimMessageSchema,
  controlMessageSchema,
  heartbeatMessageSchema,
  resultMessageSchema,
  SUBJECTS,
  type ClaimMessage,
  type ControlMessage,
  type HeartbeatMessage,
  type PlannerEvent,
  type ResultMessage,
  type TaskMessage,
} from '../../libs/contracts/messages';
import {
  assertQueueName,
  decodeEvent,
  DEFAULT_MAX_PAYLOAD,
  encodeChecked,
  encodeTask,
  taskMsgId,
  type BusLogger,
} from './bus-codec';
import { SettleOnceDelivery } from './delivery';
import { Broadcast } from './in-process/broadcast';
import { DedupWindow } from './in-process/dedup-window';
import { MemoryQueue } from './in-process/memory-queue';
import { TaskDispatcher } from './in-process/task-dispatcher';
import type { Delivery, Stoppable, TaskBus, TaskConsumerOptions } from './task-bus.port';

export interface InProcessTaskBusOptions {
  /** Unsettled deliveries come back after this (default 30000). */
  ackWaitMs?: number;
  /** Publishes with the same de-duplication id within this window are stored once (default 120000). */
  duplicateWindowMs?: number;
  /** Largest task message accepted, as NATS's max_payload would (default 1 MiB). */
  maxPayloadBytes?: number;
  logger?: BusLogger;
}

const TASKS_PREFIX = 'sf.tasks.';

/**
 * The embedded bus: the NATS bus's semantics in memory, for all roles in one process. Every message
 * goes through the same JSON encoding and zod decoding as on NATS, so publisher and consumer never
 * share an object and a message NATS would refuse is refused here too.
 */
export class InProcessTaskBus implements TaskBus {
  private readonly logger: BusLogger;
  private readonly maxPayloadBytes: number;
  private readonly dedup: DedupWindow;
  private readonly tasks: TaskDispatcher;
  private readonly events: MemoryQueue;
  private readonly heartbeats: Broadcast<HeartbeatMessage>;
  private readonly controls: Broadcast<ControlMessage>;
  private eventWaiters = new Set<() => void>();
  private eventsTurn: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(options: InProcessTaskBusOptions = {}) {
    const ackWaitMs = options.ackWaitMs ?? 30_000;
    this.logger = options.logger ?? new Logger('InProcessTaskBus');
    this.maxPayloadBytes = options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD;
    this.dedup = new DedupWindow(options.duplicateWindowMs ?? 120_000);
    this.tasks = new TaskDispatcher(ackWaitMs, this.logger);
    this.events = new MemoryQueue(ackWaitMs, () => this.wakeEventWaiters());
    this.heartbeats = new Broadcast('heartbeat', heartbeatMessageSchema, this.logger);
    this.controls = new Broadcast('control message', controlMessageSchema, this.logger);
  }

  async init(): Promise<void> {
    this.assertOpen();
  }

  async publishTasks(tasks: TaskMessage[]): Promise<void> {
    this.assertOpen();
    const encoded = tasks.map((task) => ({ task, data: encodeTask(task, this.maxPayloadBytes) }));
    for (const { task, data } of encoded) {
      if (this.dedup.isDuplicate(taskMsgId(task))) continue;
      this.tasks.push(task.queue, SUBJECTS.tasks(task.queue), data);
    }
  }

  pullEvents(max: number, waitMs: number): Promise<Delivery<PlannerEvent>[]> {
    const turn = this.eventsTurn.then(() => this.pullEventsNow(max, waitMs));
    this.eventsTurn = turn.catch(() => undefined);
    return turn;
  }

  async publishControl(message: ControlMessage): Promise<void> {
    this.assertOpen();
    this.controls.publish(encodeChecked(controlMessageSchema, message, 'control message'));
  }

  onHeartbeat(listener: (heartbeat: HeartbeatMessage) => void): Stoppable {
    return this.heartbeats.listen(listener);
  }

  consumeTasks(options: TaskConsumerOptions, onTask: (delivery: Delivery<TaskMessage>) => void): Stoppable {
    this.assertOpen();
    options.queues.forEach(assertQueueName);
    return this.tasks.subscribe(options, onTask);
  }

  async publishClaim(claim: ClaimMessage): Promise<void> {
    this.assertOpen();
    const data = encodeChecked(claimMessageSchema, claim, `claim of task ${claim.taskId}`);
    if (!this.dedup.isDuplicate(`claim:${claim.taskId}:${claim.attempt}:${claim.workerId}`))
      this.events.push(SUBJECTS.started, data);
  }

  async publishResult(result: ResultMessage): Promise<void> {
    this.assertOpen();
    const data = encodeChecked(resultMessageSchema, result, `result of task ${result.taskId}`);
    if (!this.dedup.isDuplicate(`result:${result.taskId}:${result.attempt}:${result.workerId}`))
      this.events.push(SUBJECTS.results, data);
  }

  onControl(listener: (message: ControlMessage) => void): Stoppable {
    return this.controls.listen(listener);
  }

  async publishHeartbeat(heartbeat: HeartbeatMessage): Promise<void> {
    this.assertOpen();
    this.heartbeats.publish(encodeChecked(heartbeatMessageSchema, heartbeat, 'heartbeat'));
  }

  /** Test hook: stores bytes on a subject as a misbehaving peer would, bypassing every check of the publish methods. */
  async injectRaw(subject: string, data: Uint8Array): Promise<void> {
    this.assertOpen();
    if (subject.startsWith(TASKS_PREFIX)) this.tasks.push(subject.slice(TASKS_PREFIX.length), subject, data);
    else if (subject === SUBJECTS.started || subject === SUBJECTS.results) this.events.push(subject, data);
    else if (subject === SUBJECTS.heartbeat) this.heartbeats.publish(data);
    else if (subject === SUBJECTS.control) this.controls.publish(data);
    else throw new Error(`injectRaw: no such subject ${subject}`);
  }

  /** Everything unsettled is dropped with the process, as with any in-memory state. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.tasks.close();
    this.events.close();
    this.heartbeats.clear();
    this.controls.clear();
    this.wakeEventWaiters();
  }

  private async pullEventsNow(max: number, waitMs: number): Promise<Delivery<PlannerEvent>[]> {
    this.assertOpen();
    if (!Number.isInteger(max) || max < 1) throw new Error(`pullEvents: max must be a positive integer, got ${max}`);
    const deadline = Date.now() + Math.max(0, waitMs);
    for (;;) {
      const deliveries = this.takeEvents(max);
      const left = deadline - Date.now();
      if (deliveries.length > 0 || left <= 0 || this.closed) return deliveries;
      await this.nextEvent(left);
    }
  }

  private takeEvents(max: number): Delivery<PlannerEvent>[] {
    const deliveries: Delivery<PlannerEvent>[] = [];
    while (deliveries.length < max) {
      const taken = this.events.take();
      if (!taken) break;
      const decoded = decodeEvent(taken.subject, taken.data);
      if (!decoded.ok) {
        this.logger.warn(`dropping malformed event on ${taken.subject}: ${decoded.error}`);
        this.events.remove(taken.seq);
        continue;
      }
      deliveries.push(
        new SettleOnceDelivery(decoded.value, taken.redeliveries, {
          ack: async () => this.events.remove(taken.seq),
          nak: (delayMs) => this.events.nak(taken.seq, delayMs),
          working: () => this.events.working(taken.seq),
          term: () => this.events.remove(taken.seq),
        }),
      );
    }
    return deliveries;
  }

  /** Resolves when an event may be available (a publish or a redelivery) or after `ms`: no polling. */
  private nextEvent(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.eventWaiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.eventWaiters.add(wake);
    });
  }

  private wakeEventWaiters(): void {
    for (const wake of [...this.eventWaiters]) wake();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('InProcessTaskBus is closed');
  }
}
