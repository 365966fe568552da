import { describe, expect, it } from 'vitest';
import {
  decideClaim,
  decideResult,
  type ClaimDecision,
  type ResultDecision,
  type TaskSnapshot,
  type TaskStatus,
} from './task-transitions';

const task = (status: TaskStatus, attempt = 2, workerId: string | null = null, failures = 0): TaskSnapshot => ({
  status,
  attempt,
  workerId,
  failures,
});

describe('decideClaim', () => {
  it.each<[string, TaskSnapshot, { attempt: number; workerId: string }, ClaimDecision['kind']]>([
    ['claim on a queued task starts it', task('QUEUED'), { attempt: 2, workerId: 'w1' }, 'start'],
    ['duplicate claim by the holder is ignored', task('RUNNING', 2, 'w1'), { attempt: 2, workerId: 'w1' }, 'ignore'],
    ['claim by another worker is refused', task('RUNNING', 2, 'w1'), { attempt: 2, workerId: 'w2' }, 'refuse'],
    ['claim of an old attempt is ignored', task('QUEUED'), { attempt: 1, workerId: 'w1' }, 'ignore'],
    [
      'claim of an old attempt while running is ignored',
      task('RUNNING', 2, 'w1'),
      { attempt: 1, workerId: 'w2' },
      'ignore',
    ],
    ['claim of a future attempt is ignored', task('QUEUED'), { attempt: 3, workerId: 'w1' }, 'ignore'],
    ['claim on a pending task (not dispatched) is refused', task('PENDING'), { attempt: 2, workerId: 'w1' }, 'refuse'],
    ...(['SUCCEEDED', 'FAILED', 'CANCELLED', 'SKIPPED'] as const).map(
      (status): [string, TaskSnapshot, { attempt: number; workerId: string }, ClaimDecision['kind']] => [
        `late claim on a ${status} task is ignored`,
        task(status, 2, 'w1'),
        { attempt: 2, workerId: 'w2' },
        'ignore',
      ],
    ),
  ])('%s', (_, snapshot, claim, kind) => {
    const decision = decideClaim(snapshot, claim);
    expect(decision.kind).toBe(kind);
    if (decision.kind !== 'start') expect(decision.reason).not.toBe('');
  });

  it('names the holder when refusing', () => {
    expect(decideClaim(task('RUNNING', 2, 'w1'), { attempt: 2, workerId: 'w2' })).toEqual({
      kind: 'refuse',
      reason: 'attempt 2 is held by worker w1',
    });
  });
});

const noRetries = { retries: 0, retryBackoffMs: 1000 };
const threeRetries = { retries: 3, retryBackoffMs: 1000 };

describe('decideResult', () => {
  it.each<
    [
      string,
      TaskSnapshot,
      { attempt: number; workerId: string; status: 'succeeded' | 'failed' },
      typeof noRetries,
      ResultDecision,
    ]
  >([
    [
      'success from the holder',
      task('RUNNING', 2, 'w1'),
      { attempt: 2, workerId: 'w1', status: 'succeeded' },
      noRetries,
      { kind: 'succeed' },
    ],
    [
      'success before its claim was seen',
      task('QUEUED'),
      { attempt: 2, workerId: 'w1', status: 'succeeded' },
      noRetries,
      { kind: 'succeed' },
    ],
    [
      'failure without retries fails',
      task('RUNNING', 2, 'w1'),
      { attempt: 2, workerId: 'w1', status: 'failed' },
      noRetries,
      { kind: 'fail' },
    ],
    [
      'first failure retries after the base',
      task('RUNNING', 1, 'w1', 0),
      { attempt: 1, workerId: 'w1', status: 'failed' },
      threeRetries,
      { kind: 'retry', delayMs: 1000 },
    ],
    [
      'second failure doubles',
      task('RUNNING', 2, 'w1', 1),
      { attempt: 2, workerId: 'w1', status: 'failed' },
      threeRetries,
      { kind: 'retry', delayMs: 2000 },
    ],
    [
      'third failure doubles again',
      task('RUNNING', 3, 'w1', 2),
      { attempt: 3, workerId: 'w1', status: 'failed' },
      threeRetries,
      { kind: 'retry', delayMs: 4000 },
    ],
    [
      'failure after the last retry fails',
      task('RUNNING', 4, 'w1', 3),
      { attempt: 4, workerId: 'w1', status: 'failed' },
      threeRetries,
      { kind: 'fail' },
    ],
    // Lost attempts raise the attempt number but not the failure count: retries are still left.
    [
      'failure after lost attempts still retries',
      task('RUNNING', 3, 'w1', 0),
      { attempt: 3, workerId: 'w1', status: 'failed' },
      threeRetries,
      { kind: 'retry', delayMs: 1000 },
    ],
    [
      'failure before its claim was seen retries',
      task('QUEUED', 1, null, 0),
      { attempt: 1, workerId: 'w1', status: 'failed' },
      threeRetries,
      { kind: 'retry', delayMs: 1000 },
    ],
  ])('%s', (_, snapshot, result, step, expected) => {
    expect(decideResult(snapshot, result, step)).toEqual(expected);
  });

  it.each<[string, TaskSnapshot, { attempt: number; workerId: string; status: 'succeeded' | 'failed' }]>([
    ['late result of an old attempt', task('RUNNING', 2, 'w2'), { attempt: 1, workerId: 'w1', status: 'failed' }],
    ['result of a future attempt', task('RUNNING', 2, 'w1'), { attempt: 3, workerId: 'w1', status: 'succeeded' }],
    [
      'result from a worker that does not hold the claim',
      task('RUNNING', 2, 'w1'),
      { attempt: 2, workerId: 'w2', status: 'succeeded' },
    ],
    [
      'duplicate success after success',
      task('SUCCEEDED', 2, 'w1'),
      { attempt: 2, workerId: 'w1', status: 'succeeded' },
    ],
    ['failure after success', task('SUCCEEDED', 2, 'w1'), { attempt: 2, workerId: 'w1', status: 'failed' }],
    [
      'duplicate failure after final failure',
      task('FAILED', 2, 'w1', 1),
      { attempt: 2, workerId: 'w1', status: 'failed' },
    ],
    ['result on a cancelled task', task('CANCELLED', 2, 'w1'), { attempt: 2, workerId: 'w1', status: 'succeeded' }],
    ['result on a skipped task', task('SKIPPED', 2), { attempt: 2, workerId: 'w1', status: 'succeeded' }],
    [
      'result for an attempt waiting for its backoff',
      task('PENDING', 2),
      { attempt: 2, workerId: 'w1', status: 'succeeded' },
    ],
    // After a retry the task moved to attempt 2; the old attempt's duplicate failure must not spend another retry.
    [
      'duplicate failure of the retried attempt',
      task('QUEUED', 2, null, 1),
      { attempt: 1, workerId: 'w1', status: 'failed' },
    ],
  ])('ignores %s', (_, snapshot, result) => {
    const decision = decideResult(snapshot, result, threeRetries);
    expect(decision.kind).toBe('ignore');
  });
});
