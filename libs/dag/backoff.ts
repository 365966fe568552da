/** No retry waits longer than a day, however many failures came before. */
export const MAX_RETRY_DELAY_MS = 86_400_000;

/**
 * The wait before retry number `failureNumber` (1 = the first retry):
 * base, 2·base, 4·base, … capped at a day. The exponent is clamped before
 * it is applied, so a huge failure count can neither overflow to Infinity
 * nor make NaN out of a zero base.
 */
export function retryDelayMs(baseMs: number, failureNumber: number): number {
  if (!(baseMs > 0)) return 0;
  const n = Number.isNaN(failureNumber) ? 1 : Math.floor(failureNumber);
  const exponent = Math.min(Math.max(n - 1, 0), 60);
  return Math.min(MAX_RETRY_DELAY_MS, Math.round(baseMs * 2 ** exponent));
}
