import { abortError, defineHandler, HandlerError } from '../handler';
import { planHttpRequest } from './http-request';
import { outputOf } from './http-response';

/** The reason fetch failed, from its `cause` (fetch itself only says "fetch failed"). */
function networkReason(err: unknown): string {
  const cause: unknown = err instanceof Error && err.cause !== undefined ? err.cause : err;
  if (cause instanceof AggregateError && cause.message === '' && cause.errors.length > 0) {
    return networkReason(cause.errors[0]);
  }
  if (cause instanceof Error) return cause.message || cause.name;
  return String(cause);
}

/**
 * Sends the task context as JSON to `params.url` (`method` POST by default; GET and HEAD go
 * without a body) with `params.headers`, an `Idempotency-Key: <taskId>` header and an
 * optional `params.timeoutMs` of its own (unset: the step's timeout is the only bound).
 * Output: see `outputOf`.
 */
export const httpHandler = defineHandler('http', async (task, signal) => {
  const plan = planHttpRequest(task);
  const own = new AbortController();
  const timer =
    plan.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          own.abort(new HandlerError(`${plan.where} timed out after ${plan.timeoutMs} ms (params.timeoutMs)`));
        }, plan.timeoutMs);
  try {
    // One signal for the request and the body, so the timeout covers a slow body too.
    const response = await fetch(plan.url, {
      method: plan.method,
      headers: plan.headers,
      body: plan.body,
      signal: AbortSignal.any([signal, own.signal]),
    });
    return await outputOf(response, plan.where);
  } catch (err) {
    if (signal.aborted) throw abortError(signal);
    if (own.signal.aborted) throw abortError(own.signal);
    if (err instanceof HandlerError) throw err;
    throw new HandlerError(`${plan.where} failed: ${networkReason(err)}`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
});
