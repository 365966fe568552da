import { JobValidationError, normalizeJobInput } from './validate-job';

export type Raw = Record<string, unknown>;

export const step = (key: string, extra: Raw = {}): Raw => ({ key, handler: 'noop', ...extra });
export const job = (extra: Raw = {}, steps: unknown = [step('a')]): Raw => ({
  name: 'nightly',
  steps,
  ...extra,
});
/** Params whose JSON is exactly `bytes` bytes long. */
export const big = (bytes: number): Raw => ({ blob: 'x'.repeat(bytes - '{"blob":""}'.length) });

/** The refusal message, or "accepted". */
export function messageOf(input: unknown): string {
  try {
    normalizeJobInput(input);
  } catch (error) {
    if (error instanceof JobValidationError) return error.message;
    throw error;
  }
  return 'accepted';
}
