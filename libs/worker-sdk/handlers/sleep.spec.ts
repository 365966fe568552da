import { describe, expect, it } from 'vitest';
import { makeTaskContext } from '../testing';
import { sleepHandler } from './sleep';

describe('sleep handler', () => {
  it.each([
    { ms: undefined, error: 'params.ms is required (a non-negative number)' },
    { ms: -1, error: 'params.ms must be a non-negative number (got -1)' },
    { ms: '100', error: 'params.ms must be a non-negative number (got "100")' },
    { ms: Infinity, error: 'params.ms must be a non-negative number' },
    { ms: 3e9, error: 'params.ms must be at most 2147483647 (got 3000000000)' },
  ])('refuses ms = $ms', async ({ ms, error }) => {
    const task = makeTaskContext({ params: { ms } });
    await expect(sleepHandler.run(task, new AbortController().signal)).rejects.toThrow(error);
  });

  it('succeeds with null after ms', async () => {
    const started = performance.now();
    await expect(
      sleepHandler.run(makeTaskContext({ params: { ms: 20 } }), new AbortController().signal),
    ).resolves.toBeNull();
    expect(performance.now() - started).toBeGreaterThanOrEqual(19);
  });

  it('stops at once when aborted, with the abort reason', async () => {
    const controller = new AbortController();
    const sleeping = sleepHandler.run(makeTaskContext({ params: { ms: 60_000 } }), controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(sleeping).rejects.toThrow('cancelled');
  });

  it('does not start when already aborted', async () => {
    await expect(sleepHandler.run(makeTaskContext({ params: { ms: 60_000 } }), AbortSignal.abort())).rejects.toThrow();
  });
});
