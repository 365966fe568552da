import type { TriggerRule } from './job-definition';

/** Tasks of one step by how they ended; `total` is its shard count. */
export interface StepProgress {
  total: number;
  succeeded: number;
  failed: number;
  skipped: number;
  cancelled: number;
}

export type TriggerVerdict = 'WAIT' | 'READY' | 'SKIP';

export function emptyProgress(total: number): StepProgress {
  return { total, succeeded: 0, failed: 0, skipped: 0, cancelled: 0 };
}

export function doneCount(p: StepProgress): number {
  return p.succeeded + p.failed + p.skipped + p.cancelled;
}

/**
 * Decides a step from its upstream steps' tasks taken together. Each rule
 * reaches READY or SKIP at the latest when every upstream task is done, so a
 * step can never wait forever on finished upstreams.
 */
export function evaluateTrigger(rule: TriggerRule, upstream: readonly StepProgress[]): TriggerVerdict {
  if (upstream.length === 0) return 'READY';
  let total = 0;
  let s = 0;
  let f = 0;
  let k = 0;
  let c = 0;
  for (const p of upstream) {
    total += p.total;
    s += p.succeeded;
    f += p.failed;
    k += p.skipped;
    c += p.cancelled;
  }
  const allDone = s + f + k + c === total;
  switch (rule) {
    case 'ALL_SUCCESS':
      return s === total ? 'READY' : f + k + c > 0 ? 'SKIP' : 'WAIT';
    case 'ALL_DONE':
      return allDone ? 'READY' : 'WAIT';
    case 'ONE_SUCCESS':
      return s > 0 ? 'READY' : allDone ? 'SKIP' : 'WAIT';
    case 'ONE_FAILED':
      return f > 0 ? 'READY' : allDone ? 'SKIP' : 'WAIT';
    case 'NONE_FAILED':
      return f + c > 0 ? 'SKIP' : allDone ? 'READY' : 'WAIT';
  }
}
