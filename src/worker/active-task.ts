import type { TaskContext, TaskMessage } from '../../libs/contracts/messages';
import type { Delivery } from '../bus/task-bus.port';

/** Why the worker stopped an attempt itself; the first reason wins. */
export type Interruption = { kind: 'cancel' } | { kind: 'stop' } | { kind: 'timeout'; error: string };

export function describeInterruption(reason: Interruption): string {
  if (reason.kind === 'timeout') return reason.error;
  return reason.kind === 'cancel' ? 'cancelled' : 'the worker is stopping';
}

export function attemptKey(task: Pick<TaskMessage, 'taskId' | 'attempt'>): string {
  return `${task.taskId}:${task.attempt}`;
}

/** What a handler sees: the context alone, not the routing fields of the message. */
export function contextOf(task: TaskMessage): TaskContext {
  const context: TaskContext = {
    taskId: task.taskId,
    runId: task.runId,
    jobName: task.jobName,
    stepKey: task.stepKey,
    shardIndex: task.shardIndex,
    shardCount: task.shardCount,
    shardParam: task.shardParam,
    attempt: task.attempt,
    params: task.params,
  };
  if (task.upstream !== undefined) context.upstream = task.upstream;
  if (task.upstreamOmitted !== undefined) context.upstreamOmitted = task.upstreamOmitted;
  return context;
}

/**
 * One attempt running on this worker, with every delivery of it: a redelivery that arrives
 * while the attempt still runs (ack wait passed during a long pause) joins it and is settled
 * with it, rather than running the same attempt twice here.
 */
export class ActiveTask {
  readonly key: string;
  /** Handed out before (its ack wait passed): the attempt may already be over elsewhere. */
  readonly redelivered: boolean;
  readonly controller = new AbortController();
  readonly interrupted: Promise<Interruption>;
  private readonly deliveries: Delivery<TaskMessage>[];
  private reason: Interruption | null = null;
  private resolveInterrupted: (reason: Interruption) => void = () => undefined;

  constructor(
    readonly task: TaskMessage,
    delivery: Delivery<TaskMessage>,
  ) {
    this.key = attemptKey(task);
    this.redelivered = delivery.redeliveries > 0;
    this.deliveries = [delivery];
    this.interrupted = new Promise((resolve) => {
      this.resolveInterrupted = resolve;
    });
  }

  get interruption(): Interruption | null {
    return this.reason;
  }

  /** Returns false when it was already interrupted. */
  interrupt(reason: Interruption): boolean {
    if (this.reason !== null) return false;
    this.reason = reason;
    // Resolved before aborting, so a handler rejecting on the abort never races the reason.
    this.resolveInterrupted(reason);
    this.controller.abort(new Error(describeInterruption(reason)));
    return true;
  }

  adopt(delivery: Delivery<TaskMessage>): void {
    this.deliveries.push(delivery);
  }

  working(): void {
    for (const delivery of this.deliveries) delivery.working();
  }

  async ack(): Promise<void> {
    await Promise.all(this.deliveries.map((delivery) => delivery.ack()));
  }

  nak(): void {
    for (const delivery of this.deliveries) delivery.nak();
  }
}
