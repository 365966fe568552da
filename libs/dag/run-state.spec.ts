import { describe, expect, it } from 'vitest';
import type { StepDefinition, TriggerRule } from './job-definition';
import { RunState, type FinalTaskStatus, type StepStatus } from './run-state';

const def = (
  key: string,
  dependsOn: string[] = [],
  shards = 1,
  triggerRule: TriggerRule = 'ALL_SUCCESS',
): StepDefinition => ({
  key,
  handler: 'noop',
  dependsOn,
  shards,
  shardParams: null,
  params: null,
  queue: 'default',
  retries: 0,
  retryBackoffMs: 1000,
  timeoutMs: null,
  triggerRule,
});

/** Expands and finishes every task of `key` with the given statuses. */
function finish(run: RunState, key: string, ...statuses: FinalTaskStatus[]): void {
  if (run.step(key).phase === 'PENDING') run.markExpanded(key);
  for (const status of statuses) run.recordTaskFinal(key, status);
}

const statuses = (run: RunState, keys: string[]): Record<string, StepStatus> =>
  Object.fromEntries(keys.map((k) => [k, run.stepStatus(k)]));

describe('RunState: a chain a -> b -> c', () => {
  const chain = () => [def('a'), def('b', ['a']), def('c', ['b'])];

  it('starts with the roots ready only, once', () => {
    const run = new RunState(chain());
    expect(run.advance()).toEqual({ ready: ['a'], skipped: [] });
    expect(run.advance()).toEqual({ ready: [], skipped: [] });
  });

  it('walks the chain as steps succeed', () => {
    const run = new RunState(chain());
    run.advance();
    finish(run, 'a', 'SUCCEEDED');
    expect(run.advance()).toEqual({ ready: ['b'], skipped: [] });
    finish(run, 'b', 'SUCCEEDED');
    expect(run.advance()).toEqual({ ready: ['c'], skipped: [] });
    expect(run.isFinished()).toBe(false);
    expect(run.outcome()).toBeNull();
    finish(run, 'c', 'SUCCEEDED');
    expect(run.isFinished()).toBe(true);
    expect(run.outcome()).toBe('SUCCEEDED');
  });

  it('propagates a skip down the whole chain in one advance', () => {
    const run = new RunState(chain());
    run.advance();
    finish(run, 'a', 'FAILED');
    expect(run.advance()).toEqual({ ready: [], skipped: ['b', 'c'] });
    expect(statuses(run, ['a', 'b', 'c'])).toEqual({ a: 'FAILED', b: 'SKIPPED', c: 'SKIPPED' });
    expect(run.step('b').progress).toEqual({
      total: 1,
      succeeded: 0,
      failed: 0,
      skipped: 1,
      cancelled: 0,
    });
    expect(run.isFinished()).toBe(true);
    expect(run.outcome()).toBe('FAILED');
  });

  it('lets ALL_DONE run after a skipped upstream and NONE_FAILED treat skips as fine', () => {
    const run = new RunState([
      def('a'),
      def('b', ['a']),
      def('cleanup', ['b'], 1, 'ALL_DONE'),
      def('report', ['b'], 1, 'NONE_FAILED'),
    ]);
    run.advance();
    finish(run, 'a', 'FAILED');
    expect(run.advance()).toEqual({ ready: ['cleanup', 'report'], skipped: ['b'] });
  });
});

describe('RunState: a diamond a -> (b, c) -> d', () => {
  const diamond = (rule: TriggerRule = 'ALL_SUCCESS') => [
    def('a'),
    def('b', ['a'], 3),
    def('c', ['a']),
    def('d', ['b', 'c'], 1, rule),
  ];

  it.each<[TriggerRule, FinalTaskStatus[], FinalTaskStatus, 'ready' | 'skipped' | 'waiting']>([
    ['ALL_SUCCESS', ['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED'], 'SUCCEEDED', 'ready'],
    ['ALL_SUCCESS', ['SUCCEEDED', 'FAILED', 'SUCCEEDED'], 'SUCCEEDED', 'skipped'],
    ['ALL_DONE', ['SUCCEEDED', 'FAILED', 'SUCCEEDED'], 'FAILED', 'ready'],
    ['ONE_FAILED', ['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED'], 'FAILED', 'ready'],
    ['ONE_FAILED', ['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED'], 'SUCCEEDED', 'skipped'],
    ['ONE_SUCCESS', ['FAILED', 'FAILED', 'FAILED'], 'FAILED', 'skipped'],
    ['NONE_FAILED', ['SUCCEEDED', 'SKIPPED', 'SUCCEEDED'], 'SUCCEEDED', 'ready'],
    ['NONE_FAILED', ['SUCCEEDED', 'CANCELLED', 'SUCCEEDED'], 'SUCCEEDED', 'skipped'],
  ])('%s with b=%j and c=%s: d is %s', (rule, bTasks, cTask, expected) => {
    const run = new RunState(diamond(rule));
    run.advance();
    finish(run, 'a', 'SUCCEEDED');
    expect(run.advance()).toEqual({ ready: ['b', 'c'], skipped: [] });
    finish(run, 'b', ...bTasks);
    finish(run, 'c', cTask);
    const { ready, skipped } = run.advance();
    expect({ ready, skipped }).toEqual({
      ready: expected === 'ready' ? ['d'] : [],
      skipped: expected === 'skipped' ? ['d'] : [],
    });
  });

  it('waits for every shard of b before d', () => {
    const run = new RunState(diamond());
    run.advance();
    finish(run, 'a', 'SUCCEEDED');
    run.advance();
    finish(run, 'c', 'SUCCEEDED');
    finish(run, 'b', 'SUCCEEDED', 'SUCCEEDED');
    expect(run.advance().ready).toEqual([]);
    run.recordTaskFinal('b', 'SUCCEEDED');
    expect(run.advance().ready).toEqual(['d']);
  });

  it('makes ONE_SUCCESS ready at the first success while the rest still run', () => {
    const run = new RunState(diamond('ONE_SUCCESS'));
    run.advance();
    finish(run, 'a', 'SUCCEEDED');
    run.advance();
    finish(run, 'b', 'FAILED', 'SUCCEEDED');
    expect(run.advance().ready).toEqual(['d']);
    run.markExpanded('d');
    finish(run, 'b', 'SUCCEEDED');
    expect(run.advance()).toEqual({ ready: [], skipped: [] });
  });

  it('skips early under ALL_SUCCESS, without waiting for the other branch', () => {
    const run = new RunState(diamond());
    run.advance();
    finish(run, 'a', 'SUCCEEDED');
    run.advance();
    finish(run, 'b', 'FAILED');
    expect(run.advance()).toEqual({ ready: [], skipped: ['d'] });
    expect(run.isFinished()).toBe(false);
  });
});

describe('RunState: step status', () => {
  it.each<[string, FinalTaskStatus[], boolean, StepStatus]>([
    ['expanded, nothing claimed', [], false, 'QUEUED'],
    ['claimed', [], true, 'RUNNING'],
    ['partly done', ['SUCCEEDED'], true, 'RUNNING'],
    ['all succeeded', ['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED'], true, 'SUCCEEDED'],
    ['succeeded and skipped', ['SUCCEEDED', 'SKIPPED', 'SKIPPED'], true, 'SUCCEEDED'],
    ['all tasks skipped', ['SKIPPED', 'SKIPPED', 'SKIPPED'], false, 'SKIPPED'],
    ['a failure wins over a cancel', ['CANCELLED', 'FAILED', 'SUCCEEDED'], true, 'FAILED'],
    ['a cancel wins over success', ['SUCCEEDED', 'CANCELLED', 'SUCCEEDED'], true, 'CANCELLED'],
  ])('%s → %s', (_, tasks, started, expected) => {
    const run = new RunState([def('s', [], 3)]);
    run.advance();
    run.markExpanded('s');
    if (started) run.markStarted('s');
    for (const status of tasks) run.recordTaskFinal('s', status);
    expect(run.stepStatus('s')).toBe(expected);
  });

  it('is PENDING before expansion, even when ready', () => {
    const run = new RunState([def('s')]);
    run.advance();
    expect(run.stepStatus('s')).toBe('PENDING');
  });
});

describe('RunState: cancel', () => {
  it('cancels unfinished steps and counts their unfinished tasks', () => {
    const run = new RunState([def('a'), def('b', [], 4), def('c', ['b'])]);
    run.advance();
    finish(run, 'a', 'SUCCEEDED');
    finish(run, 'b', 'SUCCEEDED', 'FAILED');
    expect(run.cancelAll()).toEqual(['b', 'c']);
    expect(run.step('b').progress).toEqual({
      total: 4,
      succeeded: 1,
      failed: 1,
      skipped: 0,
      cancelled: 2,
    });
    expect(statuses(run, ['a', 'b', 'c'])).toEqual({ a: 'SUCCEEDED', b: 'FAILED', c: 'CANCELLED' });
    expect(run.isFinished()).toBe(true);
    expect(run.advance()).toEqual({ ready: [], skipped: [] });
    // A result arriving after the cancel changes nothing.
    run.recordTaskFinal('b', 'SUCCEEDED');
    expect(run.step('b').progress.succeeded).toBe(1);
  });

  it('makes a run with no failure end SUCCEEDED for the caller to call CANCELLED', () => {
    const run = new RunState([def('a')]);
    run.advance();
    expect(run.cancelAll()).toEqual(['a']);
    expect(run.outcome()).toBe('SUCCEEDED');
    expect(run.stepStatus('a')).toBe('CANCELLED');
  });
});

describe('RunState: misuse and rebuild', () => {
  it.each<[string, (run: RunState) => void, string]>([
    [
      'a task of an unexpanded step',
      (run) => run.recordTaskFinal('a', 'SUCCEEDED'),
      'step "a" has no tasks: it is PENDING',
    ],
    [
      'more final tasks than shards',
      (run) => {
        finish(run, 'a', 'SUCCEEDED');
        run.recordTaskFinal('a', 'SUCCEEDED');
      },
      'step "a" has no unfinished task left',
    ],
    [
      'expanding twice',
      (run) => {
        run.markExpanded('a');
        run.markExpanded('a');
      },
      'step "a" cannot be expanded: it is EXPANDED',
    ],
    ['an unknown step', (run) => run.step('zz'), 'unknown step "zz"'],
  ])('throws on %s', (_, act, message) => {
    const run = new RunState([def('a')]);
    run.advance();
    expect(() => act(run)).toThrow(message);
  });

  it('rebuilds from saved states and re-announces what was ready but not expanded', () => {
    const first = new RunState([def('a'), def('b', ['a']), def('c', ['a'], 1, 'ONE_FAILED')]);
    first.advance();
    finish(first, 'a', 'SUCCEEDED');
    first.markStarted('a');
    expect(first.advance()).toEqual({ ready: ['b'], skipped: ['c'] });

    const rebuilt = new RunState([def('a'), def('b', ['a']), def('c', ['a'], 1, 'ONE_FAILED')], first.snapshot());
    expect(rebuilt.advance()).toEqual({ ready: ['b'], skipped: [] });
    expect(statuses(rebuilt, ['a', 'b', 'c'])).toEqual({
      a: 'SUCCEEDED',
      b: 'PENDING',
      c: 'SKIPPED',
    });
  });
});

describe('RunState: scale', () => {
  it('runs a 2000-shard step and fans out to its downstream at the last shard only', () => {
    const run = new RunState([def('big', [], 2000), def('after', ['big'])]);
    expect(run.advance().ready).toEqual(['big']);
    run.markExpanded('big');
    for (let i = 0; i < 1999; i++) run.recordTaskFinal('big', 'SUCCEEDED');
    expect(run.advance().ready).toEqual([]);
    expect(run.stepStatus('big')).toBe('QUEUED');
    run.recordTaskFinal('big', 'SUCCEEDED');
    expect(run.advance().ready).toEqual(['after']);
  });

  it('skips a 1000-step chain in one advance', () => {
    const steps = Array.from({ length: 1000 }, (_, i) => def(`s${i}`, i === 0 ? [] : [`s${i - 1}`]));
    const run = new RunState(steps);
    run.advance();
    finish(run, 's0', 'FAILED');
    expect(run.advance().skipped).toHaveLength(999);
    expect(run.isFinished()).toBe(true);
  });

  it('keeps a wide fan-in cheap: 1000 upstreams, one downstream', () => {
    const ups = Array.from({ length: 1000 }, (_, i) => def(`u${i}`));
    const run = new RunState([
      ...ups,
      def(
        'sink',
        ups.map((u) => u.key),
      ),
    ]);
    expect(run.advance().ready).toHaveLength(1000);
    for (const u of ups) finish(run, u.key, 'SUCCEEDED');
    expect(run.advance().ready).toEqual(['sink']);
  });
});
