import { describe, expect, it } from 'vitest';
import type { RunStep } from '../api/types';
import {
  aggregateStatus,
  laterSnapshot,
  runProgress,
  statusWord,
  stepProgress,
  STATUS_GLYPHS,
  STATUS_WORDS,
} from './status';

const step = (over: Partial<RunStep> = {}): RunStep => ({
  key: 's',
  status: 'RUNNING',
  shards: 10,
  succeeded: 0,
  failed: 0,
  skipped: 0,
  cancelled: 0,
  ...over,
});

describe('status words', () => {
  it('names every status with a word and a distinct glyph', () => {
    expect(statusWord('SUCCEEDED')).toBe('Succeeded');
    expect(statusWord('CANCELLED')).toBe('Cancelled');
    const glyphs = Object.values(STATUS_GLYPHS);
    expect(new Set(glyphs).size).toBe(glyphs.length);
    expect(Object.keys(STATUS_WORDS).sort()).toEqual(Object.keys(STATUS_GLYPHS).sort());
  });
});

describe('aggregateStatus', () => {
  it.each([
    [[], 'PENDING'],
    [['SUCCEEDED', 'SUCCEEDED'], 'SUCCEEDED'],
    [['SUCCEEDED', 'SKIPPED'], 'SUCCEEDED'],
    [['SKIPPED', 'SKIPPED'], 'SKIPPED'],
    [['SUCCEEDED', 'RUNNING', 'FAILED'], 'RUNNING'],
    [['SUCCEEDED', 'QUEUED'], 'RUNNING'],
    [['QUEUED', 'QUEUED'], 'QUEUED'],
    [['QUEUED', 'PENDING'], 'QUEUED'],
    [['SUCCEEDED', 'FAILED'], 'FAILED'],
    [['CANCELLED', 'SUCCEEDED'], 'CANCELLED'],
    [['FAILED', 'CANCELLED'], 'FAILED'],
  ] as const)('%j → %s', (statuses, expected) => {
    expect(aggregateStatus(statuses)).toBe(expected);
  });
});

describe('progress', () => {
  it('counts finished tasks and labels succeeded/total', () => {
    const p = stepProgress(step({ succeeded: 6, failed: 1, skipped: 1 }));
    expect(p).toMatchObject({ done: 8, total: 10, label: '6/10', fraction: 0.8 });
  });

  it('never passes the total, and handles a step without shards', () => {
    expect(stepProgress(step({ shards: 2, succeeded: 2, cancelled: 1 })).done).toBe(2);
    expect(stepProgress(step({ shards: 0 })).fraction).toBe(0);
  });

  it('adds a run up over its steps', () => {
    const p = runProgress([step({ shards: 2000, succeeded: 2000 }), step({ shards: 1, succeeded: 0 })]);
    expect(p).toMatchObject({ total: 2001, succeeded: 2000, done: 2000, label: '2000/2001' });
  });
});

describe('laterSnapshot', () => {
  const run = (
    status: 'QUEUED' | 'RUNNING' | 'SUCCEEDED',
    succeeded: number,
    cancelRequestedAt: string | null = null,
  ) => ({
    status,
    cancelRequestedAt,
    steps: [step({ succeeded })],
  });

  it('prefers the further status, then more finished tasks, then a cancel request', () => {
    expect(laterSnapshot(run('RUNNING', 9), run('SUCCEEDED', 10)).status).toBe('SUCCEEDED');
    expect(laterSnapshot(run('SUCCEEDED', 10), run('RUNNING', 9)).status).toBe('SUCCEEDED');
    expect(laterSnapshot(run('RUNNING', 5), run('RUNNING', 3)).steps[0].succeeded).toBe(5);
    expect(
      laterSnapshot(run('RUNNING', 3, '2026-01-01T00:00:00Z'), run('RUNNING', 3)).cancelRequestedAt,
    ).not.toBeNull();
  });

  it('takes the second (newer) one when both say the same', () => {
    const a = run('RUNNING', 3);
    const b = run('RUNNING', 3);
    expect(laterSnapshot(a, b)).toBe(b);
  });
});
