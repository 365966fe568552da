/**
 * A fake of our own TaskBus port for unit tests of the worker. It records everything in
 * one ordered log and lets tests await events instead of sleeping.
 */
import type {
  ClaimMessage,
  ControlMessage,
  HeartbeatMessage,
  PlannerEvent,
  ResultMessage,
  TaskMessage,
} from '../../../libs/contracts/messages';
import type { Delivery, Stoppable, TaskBus, TaskConsumerOptions } from '../../bus/task-bus.port';
import { Recorder } from './recorder';

export type Settlement = 'ack' | 'nak' | 'term';

export type BusEvent =
  | { type: 'claim'; claim: ClaimMessage }
  | { type: 'result'; result: ResultMessage }
  | { type: Settlement; taskId: string; attempt: number };

export class FakeDelivery implements Delivery<TaskMessage> {
  readonly workingCalls = new Recorder<number>();
  settlement: Settlement | null = null;
  private resolveSettled: (how: Settlement) => void = () => undefined;
  readonly settled: Promise<Settlement> = new Promise((resolve) => {
    this.resolveSettled = resolve;
  });

  constructor(
    readonly body: TaskMessage,
    readonly redeliveries: number,
    private readonly onSettle: (delivery: FakeDelivery, how: Settlement) => void,
  ) {}

  ack(): Promise<void> {
    this.settle('ack');
    return Promise.resolve();
  }
  nak(): void {
    this.settle('nak');
  }
  term(): void {
    this.settle('term');
  }
  working(): void {
    this.workingCalls.push(this.workingCalls.items.length + 1);
  }

  private settle(how: Settlement): void {
    if (this.settlement !== null)
      throw new Error(`delivery of ${this.body.taskId} settled twice (${this.settlement}, ${how})`);
    this.settlement = how;
    this.onSettle(this, how);
    this.resolveSettled(how);
  }
}

export class FakeTaskBus implements TaskBus {
  readonly log = new Recorder<BusEvent>();
  readonly heartbeats = new Recorder<HeartbeatMessage>();
  consumerOptions: TaskConsumerOptions | null = null;
  consumerStopped = false;
  /** Runs before a claim is recorded; make it wait or throw to hold or fail claims. */
  beforeClaim: (claim: ClaimMessage) => Promise<void> = () => Promise.resolve();
  /** Runs before a result is recorded; throw to fail the publish. */
  beforeResult: (result: ResultMessage) => Promise<void> = () => Promise.resolve();

  private onTask: ((delivery: Delivery<TaskMessage>) => void) | null = null;
  private readonly backlog: FakeDelivery[] = [];
  private inFlight = 0;
  private readonly controlListeners = new Set<(message: ControlMessage) => void>();

  /** Queues a task; it is handed out while fewer than maxInFlight are unsettled. */
  deliver(task: TaskMessage, redeliveries = 0): FakeDelivery {
    const delivery = new FakeDelivery(task, redeliveries, (settled, how) => {
      this.inFlight -= 1;
      this.log.push({ type: how, taskId: settled.body.taskId, attempt: settled.body.attempt });
      this.pump();
    });
    this.backlog.push(delivery);
    this.pump();
    return delivery;
  }

  get waiting(): number {
    return this.backlog.length;
  }

  sendControl(message: ControlMessage): void {
    for (const listener of this.controlListeners) listener(message);
  }

  claims(): ClaimMessage[] {
    return this.log.items.flatMap((event) => (event.type === 'claim' ? [event.claim] : []));
  }

  results(): ResultMessage[] {
    return this.log.items.flatMap((event) => (event.type === 'result' ? [event.result] : []));
  }

  async nextResult(taskId: string): Promise<ResultMessage> {
    const event = await this.log.next((item) => item.type === 'result' && item.result.taskId === taskId);
    if (event.type !== 'result') throw new Error('unreachable');
    return event.result;
  }

  consumeTasks(options: TaskConsumerOptions, onTask: (delivery: Delivery<TaskMessage>) => void): Stoppable {
    this.consumerOptions = options;
    this.onTask = onTask;
    this.pump();
    return {
      stop: () => {
        this.consumerStopped = true;
        return Promise.resolve();
      },
    };
  }

  async publishClaim(claim: ClaimMessage): Promise<void> {
    await this.beforeClaim(claim);
    this.log.push({ type: 'claim', claim });
  }

  async publishResult(result: ResultMessage): Promise<void> {
    await this.beforeResult(result);
    this.log.push({ type: 'result', result });
  }

  onControl(listener: (message: ControlMessage) => void): Stoppable {
    this.controlListeners.add(listener);
    return {
      stop: () => {
        this.controlListeners.delete(listener);
        return Promise.resolve();
      },
    };
  }

  publishHeartbeat(heartbeat: HeartbeatMessage): Promise<void> {
    this.heartbeats.push(heartbeat);
    return Promise.resolve();
  }

  init(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }

  publishTasks(): Promise<void> {
    return Promise.reject(new Error('FakeTaskBus fakes the worker side only'));
  }
  pullEvents(): Promise<Delivery<PlannerEvent>[]> {
    return Promise.reject(new Error('FakeTaskBus fakes the worker side only'));
  }
  publishControl(): Promise<void> {
    return Promise.reject(new Error('FakeTaskBus fakes the worker side only'));
  }
  onHeartbeat(): Stoppable {
    throw new Error('FakeTaskBus fakes the worker side only');
  }

  private pump(): void {
    const max = this.consumerOptions?.maxInFlight ?? 0;
    while (this.onTask !== null && !this.consumerStopped && this.inFlight < max && this.backlog.length > 0) {
      const next = this.backlog.shift();
      if (next === undefined) return;
      this.inFlight += 1;
      this.onTask(next);
    }
  }
}
