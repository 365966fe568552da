import type { TaskMessage } from '../../libs/contracts/messages';
import { attemptKey } from './active-task';
import { ExpiringSet } from './expiring-set';

export const CANCEL_MEMORY_MS = 10 * 60_000;
const MAX_REMEMBERED = 10_000;

/**
 * Cancels seen recently, so deliveries still queued for them are dropped instead of run.
 * A whole run is remembered by its id (a cancelled run never runs again). A single task
 * is remembered by its attempt only: a later attempt is a retry the planner wants run.
 */
export class CancelMemory {
  private readonly runs: ExpiringSet;
  private readonly attempts: ExpiringSet;

  constructor(ttlMs: number, now: () => number) {
    this.runs = new ExpiringSet(ttlMs, MAX_REMEMBERED, now);
    this.attempts = new ExpiringSet(ttlMs, MAX_REMEMBERED, now);
  }

  rememberRun(runId: string): void {
    this.runs.add(runId);
  }

  rememberAttempt(task: Pick<TaskMessage, 'taskId' | 'attempt'>): void {
    this.attempts.add(attemptKey(task));
  }

  cancels(task: TaskMessage): boolean {
    return this.runs.has(task.runId) || this.attempts.has(attemptKey(task));
  }
}
