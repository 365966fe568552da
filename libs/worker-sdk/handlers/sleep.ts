import { setTimeout as delay } from 'node:timers/promises';
import { abortError, defineHandler } from '../handler';
import { requiredNonNegative } from '../params';

/** Node's timers overflow above this (they then fire after 1 ms), so longer waits are refused. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Waits `params.ms` and succeeds with output null; aborts at once on the signal.
 * `ms` is required: a sleep step without it is more likely a typo than a wish for 0.
 */
export const sleepHandler = defineHandler('sleep', async (task, signal) => {
  const ms = requiredNonNegative(task.params, 'ms', MAX_TIMER_MS);
  try {
    await delay(ms, undefined, { signal });
  } catch (err) {
    if (signal.aborted) throw abortError(signal);
    throw err;
  }
  return null;
});
