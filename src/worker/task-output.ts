import { MAX_OUTPUT_BYTES } from '../../libs/contracts/messages';

/** Errors travel in results and are stored on attempts; a stack dump has no place there. */
export const MAX_ERROR_CHARS = 4096;

export type CheckedOutput = { ok: true; output: unknown } | { ok: false; error: string };

/**
 * Checks a handler's return value the way the planner will store it: as JSON of at most
 * MAX_OUTPUT_BYTES. `undefined` (a handler that returns nothing) becomes null. The output
 * passed on is the parsed JSON, so what the bus carries is exactly what was measured.
 */
export function checkOutput(value: unknown): CheckedOutput {
  if (value === undefined) return { ok: true, output: null };
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (err) {
    return { ok: false, error: `output is not JSON-serialisable: ${errorMessage(err)}` };
  }
  if (json === undefined) return { ok: false, error: `output is not JSON-serialisable: a ${typeof value}` };
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > MAX_OUTPUT_BYTES) return { ok: false, error: `output is ${bytes} bytes, at most ${MAX_OUTPUT_BYTES}` };
  return { ok: true, output: JSON.parse(json) as unknown };
}

/** The message of anything thrown, bounded to MAX_ERROR_CHARS. */
export function errorMessage(err: unknown): string {
  let text: string;
  if (err instanceof Error) text = err.message || err.name;
  else if (typeof err === 'string') text = err;
  else {
    try {
      text = JSON.stringify(err) ?? String(err);
    } catch {
      text = String(err);
    }
  }
  if (text === '') text = 'failed without a message';
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS - 1)}…` : text;
}
