import { describe, expect, it } from 'vitest';
import { MAX_RETRY_DELAY_MS, retryDelayMs } from './backoff';

describe('retryDelayMs', () => {
  it.each<[string, number, number, number]>([
    ['first retry waits the base', 1000, 1, 1000],
    ['second retry doubles', 1000, 2, 2000],
    ['third retry doubles again', 1000, 3, 4000],
    ['tenth retry', 1000, 10, 512_000],
    ['zero base never waits', 0, 5, 0],
    ['zero base with a huge count', 0, 1e9, 0],
    ['just under the cap', 86_400_000 / 2, 2, MAX_RETRY_DELAY_MS],
    ['capped at a day', 1000, 30, MAX_RETRY_DELAY_MS],
    ['huge count does not overflow', 1000, 10_000, MAX_RETRY_DELAY_MS],
    ['infinite count is capped', 1000, Number.POSITIVE_INFINITY, MAX_RETRY_DELAY_MS],
    ['a base over a day is capped', 90_000_000, 1, MAX_RETRY_DELAY_MS],
    ['count below 1 is treated as the first', 1000, 0, 1000],
    ['NaN count is treated as the first', 1000, Number.NaN, 1000],
    ['1 ms base at the 27th retry reaches the cap', 1, 28, MAX_RETRY_DELAY_MS],
    ['1 ms base at the 27th retry', 1, 27, 2 ** 26],
  ])('%s', (_, base, n, expected) => {
    expect(retryDelayMs(base, n)).toBe(expected);
  });
});
