/**
 * A validation problem before it becomes an error. Problems are collected from
 * zod and from the hand-written graph checks, then the one earliest in the
 * document is reported, so the user fixes the input top to bottom whichever
 * check happened to notice what.
 */
export type PathSegment = string | number;

export interface Problem {
  /** Where the problem sits, for ordering; may be deeper than `field`. */
  path: PathSegment[];
  /** The field the message names; defaults to `path` formatted. */
  field?: string;
  reason: string;
}

const JOB_FIELDS = [
  'name',
  'description',
  'schedule',
  'timezone',
  'steps',
  'params',
  'concurrencyPolicy',
  'misfirePolicy',
  'maxActiveRuns',
  'paused',
];
const STEP_FIELDS = [
  'key',
  'handler',
  'dependsOn',
  'shards',
  'shardParams',
  'params',
  'queue',
  'retries',
  'retryBackoffMs',
  'timeoutMs',
  'triggerRule',
];

/** `['steps', 2, 'shards']` → `steps[2].shards`; the root is called `input`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    out += typeof segment === 'number' ? `[${segment}]` : out === '' ? segment : `.${segment}`;
  }
  return out === '' ? 'input' : out;
}

function rank(path: readonly PathSegment[], depth: number): number {
  const segment = path[depth];
  if (typeof segment === 'number') return segment;
  const order = depth === 0 ? JOB_FIELDS : depth === 2 && path[0] === 'steps' ? STEP_FIELDS : null;
  const index = order ? order.indexOf(segment) : -1;
  // Names outside the input types (none expected) sort last rather than jump ahead.
  return index === -1 ? Number.MAX_SAFE_INTEGER : index;
}

export function compareDocumentOrder(a: readonly PathSegment[], b: readonly PathSegment[]): number {
  const shared = Math.min(a.length, b.length);
  for (let depth = 0; depth < shared; depth++) {
    const diff = rank(a, depth) - rank(b, depth);
    if (diff !== 0) return diff;
  }
  return a.length - b.length;
}

/** The earliest problem in document order; on a tie the one given first wins. */
export function firstProblem(problems: readonly Problem[]): Problem | null {
  let first: Problem | null = null;
  for (const problem of problems) {
    if (first === null || compareDocumentOrder(problem.path, first.path) < 0) first = problem;
  }
  return first;
}
