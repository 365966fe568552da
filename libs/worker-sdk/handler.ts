import type { TaskContext } from '../contracts/messages';

export type { TaskContext };

/**
 * The code a worker runs for a step. Implement it (or call `defineHandler`) to run your
 * own work; register it with the worker beside the built-ins.
 */
export interface TaskHandler {
  /** The name steps refer to in `StepInput.handler`. */
  readonly name: string;
  /**
   * Runs one attempt of a task. The resolved value is the task's output: JSON of at most
   * 256 KiB once serialised (`undefined` counts as null). Throw to fail the attempt; the
   * error's message is what users see on the task.
   *
   * `signal` aborts when the attempt is cancelled, times out or the worker shuts down:
   * stop promptly and release what you hold. Delivery is at-least-once, so the same
   * attempt can run twice; use `task.taskId` as an idempotency key for side effects.
   */
  run(task: TaskContext, signal: AbortSignal): Promise<unknown>;
}

/** A failure whose message is meant for the user as is (bad params, a refused request). */
export class HandlerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HandlerError';
  }
}

export function defineHandler(
  name: string,
  run: (task: TaskContext, signal: AbortSignal) => Promise<unknown>,
): TaskHandler {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new HandlerError('a handler needs a non-empty name');
  }
  return Object.freeze({ name, run });
}

/** The error a handler rejects with once its signal aborted; the reason when it is one. */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error('aborted');
}
