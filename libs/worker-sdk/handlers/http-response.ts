import { MAX_OUTPUT_BYTES } from '../../contracts/messages';
import { HandlerError } from '../handler';

/**
 * How much of a 2xx JSON body is read. Above the output limit, because pretty-printed JSON
 * shrinks when re-serialised; the worker checks the real limit on the output.
 */
const MAX_JSON_BODY_BYTES = 4 * MAX_OUTPUT_BYTES;
const PREVIEW_CHARS = 200;
/** Enough bytes for PREVIEW_CHARS characters of UTF-8. */
const PREVIEW_BYTES = PREVIEW_CHARS * 4;

async function readAtMost(response: Response, limit: number): Promise<{ bytes: Buffer; over: boolean }> {
  if (response.body === null) return { bytes: Buffer.alloc(0), over: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { bytes: Buffer.concat(chunks), over: false };
    chunks.push(value);
    total += value.byteLength;
    if (total > limit) {
      // The rest is not needed; cancelling frees the connection instead of draining it.
      await reader.cancel().catch(() => undefined);
      return { bytes: Buffer.concat(chunks).subarray(0, limit), over: true };
    }
  }
}

function preview(bytes: Buffer): string {
  return bytes.toString('utf8').replace(/\s+/g, ' ').trim().slice(0, PREVIEW_CHARS);
}

function isJson(contentType: string | null): boolean {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return type === 'application/json' || type.endsWith('+json');
}

/**
 * The output of a response: a 2xx JSON body parsed, any other 2xx null (a text or HTML body
 * is not treated as output, since guessing would make outputs depend on a server's mood).
 * A non-2xx answer fails with its status and the start of its body.
 */
export async function outputOf(response: Response, where: string): Promise<unknown> {
  const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  if (!response.ok) {
    const start = preview((await readAtMost(response, PREVIEW_BYTES)).bytes);
    throw new HandlerError(start === '' ? `${status} from ${where}` : `${status}: ${start}`);
  }
  if (!isJson(response.headers.get('content-type'))) {
    await response.body?.cancel().catch(() => undefined);
    return null;
  }
  const { bytes, over } = await readAtMost(response, MAX_JSON_BODY_BYTES);
  if (over) throw new HandlerError(`${status}: the JSON body is over ${MAX_JSON_BODY_BYTES} bytes`);
  const text = bytes.toString('utf8');
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HandlerError(`${status}: the body says it is JSON but is not: ${preview(bytes)}`);
  }
}
