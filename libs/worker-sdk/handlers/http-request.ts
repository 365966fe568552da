import type { TaskContext } from '../handler';
import { HandlerError } from '../handler';
import { optionalNonNegative, optionalString, optionalStringRecord, requiredString } from '../params';

const MAX_TIMER_MS = 2_147_483_647;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export interface HttpRequestPlan {
  url: URL;
  method: string;
  headers: Headers;
  body: string | undefined;
  timeoutMs: number | undefined;
  /** The URL without its query, for errors: queries often carry tokens. */
  where: string;
}

/** Turns `params` into a request; every refusal names the field. */
export function planHttpRequest(task: TaskContext): HttpRequestPlan {
  const raw = requiredString(task.params, 'url');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new HandlerError(`params.url is not a valid URL: ${JSON.stringify(raw.slice(0, 200))}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new HandlerError(`params.url must be http or https (got ${url.protocol})`);
  }
  const method = (optionalString(task.params, 'method') ?? 'POST').toUpperCase();
  if (!TOKEN.test(method)) throw new HandlerError(`params.method is not an HTTP method: ${JSON.stringify(method)}`);
  const timeoutMs = optionalNonNegative(task.params, 'timeoutMs', MAX_TIMER_MS);
  if (timeoutMs === 0) throw new HandlerError('params.timeoutMs must be more than 0');

  // GET and HEAD cannot carry a body (fetch refuses one), so they go without the context.
  const body = method === 'GET' || method === 'HEAD' ? undefined : JSON.stringify(task);
  const headers = new Headers();
  if (body !== undefined) headers.set('content-type', 'application/json');
  headers.set('accept', 'application/json, */*;q=0.5');
  // The stable key lets the receiver drop a repeated attempt (delivery is at-least-once).
  headers.set('idempotency-key', task.taskId);
  const extra = optionalStringRecord(task.params, 'headers', false) ?? {};
  for (const [name, value] of Object.entries(extra)) {
    try {
      headers.set(name, value);
    } catch {
      throw new HandlerError(`params.headers.${name} is not a valid header`);
    }
  }
  return { url, method, headers, body, timeoutMs, where: `${method} ${url.origin}${url.pathname}` };
}
