import { describe, expect, it } from 'vitest';
import { decideLost, MAX_LOST_ATTEMPTS, type TaskStatus } from './task-transitions';

const task = (status: TaskStatus, lost: number) => ({ status, lost, attempt: 1, workerId: 'w1', failures: 0 });

describe('decideLost', () => {
  it.each([
    ['a first loss', task('RUNNING', 0), 'requeue'],
    ['a second loss', task('RUNNING', 1), 'requeue'],
    [`the ${MAX_LOST_ATTEMPTS}rd loss`, task('RUNNING', MAX_LOST_ATTEMPTS - 1), 'fail'],
    ['a task not running', task('QUEUED', 0), 'ignore'],
    ['a finished task', task('SUCCEEDED', 0), 'ignore'],
    ['a cancelled task', task('CANCELLED', 2), 'ignore'],
  ])('%s: %s', (_what, snapshot, kind) => {
    expect(decideLost(snapshot, 'worker w1 silent for 10000 ms').kind).toBe(kind);
  });

  it('says why a task lost too often failed', () => {
    const decision = decideLost(task('RUNNING', 2), 'worker w9 silent for 10000 ms');
    expect(decision).toEqual({ kind: 'fail', error: expect.stringMatching(/^lost 3 times \(worker w9 silent/) });
  });

  it('never looks at the retries: a lost attempt is not a handler failure', () => {
    expect(decideLost({ ...task('RUNNING', 0), failures: 99 }, 'x').kind).toBe('requeue');
  });
});
