/**
 * What a claim or a result does to a task, decided without I/O. The planner
 * applies the decision in its transaction with a guard on the same attempt
 * and status, so these functions and the SQL agree on what is stale.
 */
import { retryDelayMs } from './backoff';
import type { StepDefinition } from './job-definition';

export const TASK_STATUSES = ['PENDING', 'QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'SKIPPED'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const FINAL_TASK_STATUSES: readonly TaskStatus[] = ['SUCCEEDED', 'FAILED', 'CANCELLED', 'SKIPPED'];

export interface TaskSnapshot {
  status: TaskStatus;
  /** The current attempt, from 1. */
  attempt: number;
  /** The worker holding the current attempt's claim, once claimed. */
  workerId: string | null;
  /** Handler failures so far; lost attempts do not count, so they spend no retries. */
  failures: number;
}

export type ClaimDecision =
  | { kind: 'start' }
  /** Tell the claiming worker to stop: someone else holds this attempt, or it was not dispatched. */
  | { kind: 'refuse'; reason: string }
  /** Stale or a duplicate of the claim already applied: change nothing, just acknowledge. */
  | { kind: 'ignore'; reason: string };

export type ResultDecision =
  { kind: 'succeed' } | { kind: 'retry'; delayMs: number } | { kind: 'fail' } | { kind: 'ignore'; reason: string };

export function isFinalTaskStatus(status: TaskStatus): boolean {
  return FINAL_TASK_STATUSES.includes(status);
}

/** Why a message about `attempt` cannot change the task at all, or null when it may. */
function staleReason(task: TaskSnapshot, attempt: number): string | null {
  if (attempt !== task.attempt) return `attempt ${attempt} is not the current attempt ${task.attempt}`;
  if (isFinalTaskStatus(task.status)) return `task is already ${task.status}`;
  return null;
}

export function decideClaim(task: TaskSnapshot, claim: { attempt: number; workerId: string }): ClaimDecision {
  const stale = staleReason(task, claim.attempt);
  if (stale) return { kind: 'ignore', reason: stale };
  switch (task.status) {
    case 'QUEUED':
      return { kind: 'start' };
    case 'RUNNING':
      return task.workerId === claim.workerId
        ? { kind: 'ignore', reason: `attempt ${claim.attempt} already claimed by this worker` }
        : {
            kind: 'refuse',
            reason: `attempt ${claim.attempt} is held by worker ${task.workerId ?? 'unknown'}`,
          };
    default:
      // PENDING with the current attempt means the attempt is not dispatched (e.g. waiting for its
      // backoff); a worker holding it got a redelivery of a message already settled, so it must not run.
      return {
        kind: 'refuse',
        reason: `attempt ${claim.attempt} is not dispatched (task is ${task.status})`,
      };
  }
}

export function decideResult(
  task: TaskSnapshot,
  result: { attempt: number; workerId: string; status: 'succeeded' | 'failed' },
  step: Pick<StepDefinition, 'retries' | 'retryBackoffMs'>,
): ResultDecision {
  const stale = staleReason(task, result.attempt);
  if (stale) return { kind: 'ignore', reason: stale };
  if (task.status === 'RUNNING' && task.workerId !== result.workerId) {
    return {
      kind: 'ignore',
      reason: `attempt ${result.attempt} is held by worker ${task.workerId ?? 'unknown'}`,
    };
  }
  // QUEUED is accepted too: the bus may deliver a short task's result before its claim.
  if (task.status !== 'RUNNING' && task.status !== 'QUEUED') {
    return {
      kind: 'ignore',
      reason: `attempt ${result.attempt} is not dispatched (task is ${task.status})`,
    };
  }
  if (result.status === 'succeeded') return { kind: 'succeed' };
  if (task.failures < step.retries) {
    return { kind: 'retry', delayMs: retryDelayMs(step.retryBackoffMs, task.failures + 1) };
  }
  return { kind: 'fail' };
}

/** A task whose attempt was lost this many times fails: a poison task must not take the fleet down. */
export const MAX_LOST_ATTEMPTS = 3;

export type LostDecision = { kind: 'requeue' } | { kind: 'fail'; error: string } | { kind: 'ignore'; reason: string };

/**
 * The worker holding the task's current attempt died (went silent, or stopped and handed it
 * back). A lost attempt is not a handler failure: it spends no retry; the task gets a new
 * attempt, unless it was lost MAX_LOST_ATTEMPTS times.
 */
export function decideLost(task: TaskSnapshot & { lost: number }, why: string): LostDecision {
  if (task.status !== 'RUNNING') return { kind: 'ignore', reason: `task is ${task.status}` };
  const lost = task.lost + 1;
  if (lost >= MAX_LOST_ATTEMPTS) {
    return {
      kind: 'fail',
      error: `lost ${lost} times (${why}); failed so that a task that keeps killing its workers cannot take the fleet down`,
    };
  }
  return { kind: 'requeue' };
}
