import type { ClaimMessage, ResultMessage, TaskMessage } from '../../libs/contracts/messages';
import type { BusLogger } from '../../src/bus/bus-codec';

let counter = 0;

export function makeTask(overrides: Partial<TaskMessage> = {}): TaskMessage {
  counter++;
  return {
    taskId: `task-${counter}`,
    runId: 'run-1',
    jobName: 'job',
    stepKey: 'step',
    shardIndex: 0,
    shardCount: 1,
    shardParam: null,
    attempt: 1,
    params: { n: counter },
    handler: 'noop',
    queue: 'default',
    timeoutMs: null,
    deadline: null,
    ...overrides,
  };
}

export function makeClaim(taskId: string, attempt = 1): ClaimMessage {
  return { taskId, attempt, workerId: 'w1', startedAt: new Date().toISOString() };
}

export function makeResult(taskId: string, attempt = 1): ResultMessage {
  const now = new Date().toISOString();
  return {
    taskId,
    attempt,
    status: 'succeeded',
    output: { ok: true },
    error: null,
    workerId: 'w1',
    startedAt: now,
    finishedAt: now,
  };
}

/** Collects what arrives and lets a test await "n items" as an event, never by polling. */
export class Collector<T> {
  readonly items: T[] = [];
  private waiters: Array<{ count: number; resolve: () => void }> = [];

  readonly push = (item: T): void => {
    this.items.push(item);
    this.waiters = this.waiters.filter((w) => {
      if (this.items.length < w.count) return true;
      w.resolve();
      return false;
    });
  };

  /** Resolves once `count` items arrived in total; rejects with what did arrive after `timeoutMs`. */
  waitFor(count: number, timeoutMs = 10_000): Promise<T[]> {
    if (this.items.length >= count) return Promise.resolve(this.items);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`waited ${timeoutMs} ms for ${count} items, got ${this.items.length}`)),
        timeoutMs,
      );
      this.waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve(this.items);
        },
      });
    });
  }

  /** Bounded wait for "nothing more arrives": resolves with how many came in `ms`. */
  async quietFor(ms = 300): Promise<number> {
    const before = this.items.length;
    await new Promise((resolve) => setTimeout(resolve, ms));
    return this.items.length - before;
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A logger that keeps warnings, so tests can see that malformed input was reported. */
export class RecordingLogger implements BusLogger {
  readonly warnings: string[] = [];
  readonly logs: string[] = [];
  warn(msg: string): void {
    this.warnings.push(msg);
  }
  log(msg: string): void {
    this.logs.push(msg);
  }
}
