import type { AnyStatus, RunStatus, RunStep, TaskStatus } from '../api/types';

/** Every status is shown by its word (and a glyph), never by colour alone. */
export const STATUS_WORDS: Record<AnyStatus, string> = {
  PENDING: 'Pending',
  QUEUED: 'Queued',
  RUNNING: 'Running',
  SUCCEEDED: 'Succeeded',
  FAILED: 'Failed',
  CANCELLED: 'Cancelled',
  SKIPPED: 'Skipped',
};

/** A shape per status, for places too small for the word (grid cells), with the word in their label. */
export const STATUS_GLYPHS: Record<AnyStatus, string> = {
  PENDING: '·',
  QUEUED: '…',
  RUNNING: '▶',
  SUCCEEDED: '✓',
  FAILED: '✕',
  CANCELLED: '⊘',
  SKIPPED: '↷',
};

export const TASK_STATUSES: TaskStatus[] = [
  'PENDING',
  'QUEUED',
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
  'SKIPPED',
];
export const FINAL_RUN_STATUSES: RunStatus[] = ['SUCCEEDED', 'FAILED', 'CANCELLED'];
const FINAL_TASK_STATUSES: TaskStatus[] = ['SUCCEEDED', 'FAILED', 'CANCELLED', 'SKIPPED'];

export function statusWord(status: AnyStatus): string {
  return STATUS_WORDS[status] ?? status;
}

/** The CSS modifier for a status: `status--succeeded`. */
export function statusClass(status: AnyStatus): string {
  return `status--${status.toLowerCase()}`;
}

export function isFinalRun(status: RunStatus): boolean {
  return FINAL_RUN_STATUSES.includes(status);
}

export function isFinalTask(status: TaskStatus): boolean {
  return FINAL_TASK_STATUSES.includes(status);
}

/**
 * One status for many tasks (a step's shards in the Gantt, a run's steps): what a person
 * would say the group is doing. Something still moving wins; then a failure; then the
 * group's end state.
 */
export function aggregateStatus(statuses: Iterable<TaskStatus>): TaskStatus {
  const seen = new Set<TaskStatus>(statuses);
  if (seen.size === 0) return 'PENDING';
  if (seen.has('RUNNING')) return 'RUNNING';
  const moving = seen.has('QUEUED') || seen.has('PENDING');
  const finished = [...seen].some(isFinalTask);
  if (moving && finished) return 'RUNNING';
  if (seen.has('QUEUED')) return 'QUEUED';
  if (seen.has('PENDING')) return 'PENDING';
  if (seen.has('FAILED')) return 'FAILED';
  if (seen.has('CANCELLED')) return 'CANCELLED';
  if (seen.has('SUCCEEDED')) return 'SUCCEEDED';
  return 'SKIPPED';
}

export function countByStatus<T extends AnyStatus>(statuses: Iterable<T>): Map<T, number> {
  const counts = new Map<T, number>();
  for (const s of statuses) counts.set(s, (counts.get(s) ?? 0) + 1);
  return counts;
}

export interface StepProgress {
  /** Tasks that reached a final state. */
  done: number;
  total: number;
  succeeded: number;
  failed: number;
  skipped: number;
  cancelled: number;
  /** `succeeded/total`, as the DAG shows it. */
  label: string;
  /** 0..1 of tasks finished, whatever their end. */
  fraction: number;
}

export function stepProgress(step: RunStep): StepProgress {
  const done = Math.min(step.shards, step.succeeded + step.failed + step.skipped + step.cancelled);
  return {
    done,
    total: step.shards,
    succeeded: step.succeeded,
    failed: step.failed,
    skipped: step.skipped,
    cancelled: step.cancelled,
    label: `${step.succeeded}/${step.shards}`,
    fraction: step.shards > 0 ? done / step.shards : 0,
  };
}

/** A run's tasks in total, over all its steps: for the run header. */
export function runProgress(steps: RunStep[]): StepProgress {
  const sum = (pick: (s: RunStep) => number) => steps.reduce((n, s) => n + pick(s), 0);
  return stepProgress({
    key: '',
    status: 'PENDING',
    shards: sum((s) => s.shards),
    succeeded: sum((s) => s.succeeded),
    failed: sum((s) => s.failed),
    skipped: sum((s) => s.skipped),
    cancelled: sum((s) => s.cancelled),
  });
}

const RUN_RANK: Record<RunStatus, number> = { QUEUED: 0, RUNNING: 1, SUCCEEDED: 2, FAILED: 2, CANCELLED: 2 };

/**
 * Of two snapshots of one run (a query's answer and a subscription event that crossed it),
 * the later one. Runs only move forward: status from QUEUED to RUNNING to an end, and
 * finished tasks only ever add up.
 */
export function laterSnapshot<R extends { status: RunStatus; steps: RunStep[]; cancelRequestedAt: string | null }>(
  a: R,
  b: R,
): R {
  if (RUN_RANK[a.status] !== RUN_RANK[b.status]) return RUN_RANK[a.status] > RUN_RANK[b.status] ? a : b;
  const doneA = runProgress(a.steps).done;
  const doneB = runProgress(b.steps).done;
  if (doneA !== doneB) return doneA > doneB ? a : b;
  if (!a.cancelRequestedAt !== !b.cancelRequestedAt) return a.cancelRequestedAt ? a : b;
  return b;
}
