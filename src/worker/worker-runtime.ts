import { setTimeout as delay } from 'node:timers/promises';
import type { ControlMessage, TaskMessage } from '../../libs/contracts/messages';
import type { TaskHandler } from '../../libs/worker-sdk';
import type { Delivery, Stoppable, TaskBus } from '../bus/task-bus.port';
import { ActiveTask, attemptKey } from './active-task';
import { type AttemptDeps, runAttempt, type WorkerLogger } from './attempt-runner';
import { CANCEL_MEMORY_MS, CancelMemory } from './cancel-memory';
import { HandlerRegistry } from './handler-registry';
import { errorMessage } from './task-output';

export type { WorkerLogger };

export interface WorkerRuntimeOptions {
  bus: TaskBus;
  workerId: string;
  host: string;
  pid: number;
  queues: string[];
  /** Tasks run at once at most; passed to the bus as `maxInFlight`. */
  concurrency: number;
  /** Your own handlers. The built-ins are added; a name may appear only once overall. */
  handlers: TaskHandler[];
  allowShell: boolean;
  heartbeatIntervalMs: number;
  /** How often a running task tells the bus it is still being worked on. Default 5000. */
  inProgressIntervalMs?: number;
  /** How long a cancel is remembered for deliveries still to come. Default 10 minutes. */
  cancelMemoryMs?: number;
  clock?: () => Date;
  logger?: WorkerLogger;
}

const consoleLogger: WorkerLogger = {
  log: (message) => console.log(message),
  warn: (message) => console.warn(message),
  error: (message) => console.error(message),
};

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`WorkerRuntime: ${name} must be a positive number (got ${value})`);
  return value;
}

/** The worker role: pulls tasks for its queues, runs them, reports them, heartbeats. */
export class WorkerRuntime {
  private readonly registry: HandlerRegistry;
  private readonly cancels: CancelMemory;
  private readonly deps: AttemptDeps;
  private readonly active = new Map<string, { task: ActiveTask; done: Promise<void> }>();
  private state: 'new' | 'running' | 'stopping' | 'stopped' = 'new';
  private consumer: Stoppable | null = null;
  private control: Stoppable | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private stopped: Promise<void> | null = null;

  constructor(private readonly options: WorkerRuntimeOptions) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new Error(`WorkerRuntime: concurrency must be a positive integer (got ${options.concurrency})`);
    }
    if (options.queues.length === 0) throw new Error('WorkerRuntime: at least one queue is needed');
    positive('heartbeatIntervalMs', options.heartbeatIntervalMs);
    const clock = options.clock ?? (() => new Date());
    this.registry = new HandlerRegistry(options.handlers, options.allowShell, options.workerId);
    this.cancels = new CancelMemory(options.cancelMemoryMs ?? CANCEL_MEMORY_MS, () => clock().getTime());
    this.deps = {
      bus: options.bus,
      workerId: options.workerId,
      registry: this.registry,
      clock,
      logger: options.logger ?? consoleLogger,
      inProgressIntervalMs: positive('inProgressIntervalMs', options.inProgressIntervalMs ?? 5000),
    };
  }

  /** The handlers this worker runs, as its heartbeat announces them. */
  get handlerNames(): string[] {
    return this.registry.names();
  }

  get running(): number {
    return this.active.size;
  }

  /** Subscribes to control first, so that no task can start before its cancel is heard. */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`WorkerRuntime: cannot start when ${this.state}`);
    this.state = 'running';
    const { bus, queues, concurrency, heartbeatIntervalMs } = this.options;
    this.control = bus.onControl((message) => this.onControl(message));
    this.consumer = bus.consumeTasks({ queues, maxInFlight: concurrency }, (delivery) => this.onDelivery(delivery));
    this.heartbeat = setInterval(() => void this.beat(), heartbeatIntervalMs);
    await this.beat();
    this.deps.logger.log(
      `worker ${this.options.workerId} serves ${queues.join(', ')} with ${this.handlerNames.join(', ')}`,
    );
  }

  /**
   * Stops taking tasks, lets running ones finish for up to `graceMs`, then aborts the rest
   * and hands them back to the bus (no result: another worker runs them again).
   */
  stop(graceMs: number): Promise<void> {
    this.stopped ??= this.shutdown(graceMs);
    return this.stopped;
  }

  private async shutdown(graceMs: number): Promise<void> {
    if (this.state === 'new') {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    // The grace runs while the consumer stops: a pull in flight may take seconds to end, and the
    // hand-back must not wait for it (deliveries it still brings are nak-ed, state is 'stopping').
    const consumerStopped = this.consumer
      ?.stop()
      .catch((err: unknown) => this.deps.logger.warn(`stopping the consumer: ${errorMessage(err)}`));
    await this.settleWithin(graceMs);
    const left = [...this.active.values()];
    if (left.length > 0) this.deps.logger.log(`handing back ${left.length} unfinished task(s) after ${graceMs} ms`);
    for (const { task } of left) task.interrupt({ kind: 'stop' });
    await Promise.all(left.map(({ done }) => done));
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    // Said last, so the leader fails over the handed-back attempts now rather than after the worker timeout.
    await this.beat({ stopping: true, released: left.map(({ task }) => task.task.taskId) });
    await consumerStopped;
    await this.control?.stop().catch((err: unknown) => this.deps.logger.warn(`stopping control: ${errorMessage(err)}`));
    this.state = 'stopped';
  }

  private async settleWithin(graceMs: number): Promise<void> {
    if (this.active.size === 0) return;
    const grace = new AbortController();
    const idle = Promise.all([...this.active.values()].map(({ done }) => done));
    await Promise.race([idle, delay(graceMs, undefined, { signal: grace.signal }).catch(() => undefined)]);
    grace.abort();
  }

  private onDelivery(delivery: Delivery<TaskMessage>): void {
    const task = delivery.body;
    if (this.state !== 'running') {
      delivery.nak();
      return;
    }
    if (this.cancels.cancels(task)) {
      this.deps.logger.log(`task ${task.taskId} attempt ${task.attempt}: dropped, its cancel came first`);
      delivery.term();
      return;
    }
    const key = attemptKey(task);
    const same = this.active.get(key);
    if (same !== undefined) {
      same.task.adopt(delivery);
      return;
    }
    const active = new ActiveTask(task, delivery);
    const done = runAttempt(active, this.deps).finally(() => this.active.delete(key));
    this.active.set(key, { task: active, done });
  }

  /**
   * A broadcast cancel (no `workerId`) is the run's cancel: its running tasks stop and its
   * deliveries still queued are dropped. A cancel aimed at one worker (`workerId` set) stops
   * only the listed tasks there, so the planner can stop one attempt (a refused claim, a
   * timeout) without touching the worker that legitimately holds the same task.
   */
  private onControl(message: ControlMessage): void {
    if (message.type !== 'cancel') return;
    if (message.workerId !== undefined && message.workerId !== this.options.workerId) return;
    const wholeRun = message.workerId === undefined;
    if (wholeRun) this.cancels.rememberRun(message.runId);
    const listed = new Set(message.taskIds);
    for (const { task } of this.active.values()) {
      const hit = wholeRun
        ? task.task.runId === message.runId
        : listed.has(task.task.taskId) && (message.attempt === undefined || message.attempt === task.task.attempt);
      if (!hit) continue;
      this.cancels.rememberAttempt(task.task);
      task.interrupt({ kind: 'cancel' });
    }
  }

  private async beat(last?: { stopping: true; released: string[] }): Promise<void> {
    const { bus, workerId, host, pid, queues } = this.options;
    try {
      await bus.publishHeartbeat({
        workerId,
        host,
        pid,
        queues: [...queues],
        handlers: this.handlerNames,
        running: this.active.size,
        taskIds: [...new Set([...this.active.values()].map(({ task }) => task.task.taskId))],
        at: this.deps.clock().toISOString(),
        ...last,
      });
    } catch (err) {
      this.deps.logger.warn(`heartbeat not published: ${errorMessage(err)}`);
    }
  }
}
