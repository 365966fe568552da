import { describe, expect, it } from 'vitest';
import type { TriggerRule } from './job-definition';
import { evaluateTrigger, type StepProgress, type TriggerVerdict } from './trigger-rules';

/** One upstream step of `total` tasks with the given finished counts. */
const up = (total: number, s = 0, f = 0, k = 0, c = 0): StepProgress => ({
  total,
  succeeded: s,
  failed: f,
  skipped: k,
  cancelled: c,
});

describe('evaluateTrigger', () => {
  it.each<TriggerRule>(['ALL_SUCCESS', 'ALL_DONE', 'ONE_SUCCESS', 'ONE_FAILED', 'NONE_FAILED'])(
    '%s: a step without upstream is READY',
    (rule) => {
      expect(evaluateTrigger(rule, [])).toBe('READY');
    },
  );

  it.each<[TriggerRule, string, StepProgress[], TriggerVerdict]>([
    ['ALL_SUCCESS', 'nothing done', [up(2)], 'WAIT'],
    ['ALL_SUCCESS', 'some succeeded', [up(2, 1)], 'WAIT'],
    ['ALL_SUCCESS', 'all succeeded', [up(2, 2)], 'READY'],
    ['ALL_SUCCESS', 'all succeeded over two upstreams', [up(2, 2), up(3, 3)], 'READY'],
    ['ALL_SUCCESS', 'one upstream still running', [up(2, 2), up(3, 2)], 'WAIT'],
    ['ALL_SUCCESS', 'one failed while others run', [up(3, 0, 1)], 'SKIP'],
    ['ALL_SUCCESS', 'one skipped', [up(2, 1, 0, 1)], 'SKIP'],
    ['ALL_SUCCESS', 'one cancelled', [up(2, 1, 0, 0, 1)], 'SKIP'],

    ['ALL_DONE', 'nothing done', [up(2)], 'WAIT'],
    ['ALL_DONE', 'partly done, with a failure', [up(3, 1, 1)], 'WAIT'],
    ['ALL_DONE', 'all done, mixed', [up(4, 1, 1, 1, 1)], 'READY'],
    ['ALL_DONE', 'all failed', [up(2, 0, 2)], 'READY'],
    ['ALL_DONE', 'one upstream of two done', [up(1, 1), up(1)], 'WAIT'],

    ['ONE_SUCCESS', 'nothing done', [up(3)], 'WAIT'],
    ['ONE_SUCCESS', 'first success, others running', [up(3, 1)], 'READY'],
    ['ONE_SUCCESS', 'success in the second upstream', [up(2, 0, 1), up(2, 1)], 'READY'],
    ['ONE_SUCCESS', 'failures only, still running', [up(3, 0, 2)], 'WAIT'],
    ['ONE_SUCCESS', 'all done without success', [up(3, 0, 1, 1, 1)], 'SKIP'],

    ['ONE_FAILED', 'nothing done', [up(3)], 'WAIT'],
    ['ONE_FAILED', 'first failure, others running', [up(3, 0, 1)], 'READY'],
    ['ONE_FAILED', 'successes only, still running', [up(3, 2)], 'WAIT'],
    ['ONE_FAILED', 'all done without failure', [up(3, 2, 0, 1)], 'SKIP'],
    ['ONE_FAILED', 'cancelled is no failure', [up(2, 1, 0, 0, 1)], 'SKIP'],

    ['NONE_FAILED', 'nothing done', [up(2)], 'WAIT'],
    ['NONE_FAILED', 'successes, still running', [up(3, 2)], 'WAIT'],
    ['NONE_FAILED', 'all succeeded', [up(2, 2)], 'READY'],
    ['NONE_FAILED', 'succeeded and skipped', [up(3, 2, 0, 1)], 'READY'],
    ['NONE_FAILED', 'all skipped', [up(2, 0, 0, 2)], 'READY'],
    ['NONE_FAILED', 'a failure while running', [up(3, 1, 1)], 'SKIP'],
    ['NONE_FAILED', 'a cancellation while running', [up(3, 1, 0, 0, 1)], 'SKIP'],
  ])('%s, %s → %s', (rule, _, upstream, verdict) => {
    expect(evaluateTrigger(rule, upstream)).toBe(verdict);
  });
});
