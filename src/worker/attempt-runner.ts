import { setTimeout as delay } from 'node:timers/promises';
import type { ResultMessage } from '../../libs/contracts/messages';
import type { TaskHandler } from '../../libs/worker-sdk';
import type { TaskBus } from '../bus/task-bus.port';
import { type ActiveTask, contextOf, type Interruption } from './active-task';
import type { HandlerRegistry } from './handler-registry';
import { checkOutput, errorMessage } from './task-output';

/** Longer timers overflow in Node (they fire after 1 ms); the planner enforces such timeouts. */
const MAX_TIMER_MS = 2_147_483_647;

export interface WorkerLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface AttemptDeps {
  bus: TaskBus;
  workerId: string;
  registry: HandlerRegistry;
  clock: () => Date;
  logger: WorkerLogger;
  inProgressIntervalMs: number;
}

type Finished = { kind: 'finished'; status: ResultMessage['status']; output: unknown; error: string | null };

const failed = (error: string): Finished => ({ kind: 'finished', status: 'failed', output: null, error });

function invoke(handler: TaskHandler, active: ActiveTask): Promise<Finished> {
  return Promise.resolve()
    .then(() => handler.run(contextOf(active.task), active.controller.signal))
    .then(
      (value): Finished => {
        const checked = checkOutput(value);
        return checked.ok
          ? { kind: 'finished', status: 'succeeded', output: checked.output, error: null }
          : failed(checked.error);
      },
      (err: unknown) => failed(errorMessage(err)),
    );
}

/** Interrupts the attempt at its timeout (counted from the claim) or its deadline, whichever is first. */
function armTimeout(active: ActiveTask, claimedAt: number, clock: () => Date): NodeJS.Timeout | undefined {
  const { timeoutMs, deadline } = active.task;
  let wait = Infinity;
  let error = '';
  if (timeoutMs !== null) {
    wait = timeoutMs - (performance.now() - claimedAt);
    error = `timed out after ${timeoutMs} ms`;
  }
  if (deadline !== null) {
    const left = Date.parse(deadline) - clock().getTime();
    if (left < wait) {
      wait = left;
      error = `did not finish by its deadline ${deadline}`;
    }
  }
  if (!(wait <= MAX_TIMER_MS)) return undefined;
  return setTimeout(() => active.interrupt({ kind: 'timeout', error }), Math.max(0, wait));
}

async function execute(active: ActiveTask, claimedAt: number, deps: AttemptDeps): Promise<Finished | Interruption> {
  const resolved = deps.registry.resolve(active.task.handler);
  if (!resolved.ok) return failed(resolved.error);
  if (active.interruption !== null) return active.interruption;
  const timer = armTimeout(active, claimedAt, deps.clock);
  try {
    // A handler that ignores its signal is left behind: the attempt ends on time regardless.
    return await Promise.race([invoke(resolved.handler, active), active.interrupted]);
  } finally {
    clearTimeout(timer);
  }
}

/** How long a redelivered task waits, after its claim, for the leader to refuse it. */
export const REDELIVERY_PAUSE_MS = 1000;

/**
 * A redelivered message may be an attempt that already ended (its worker died after
 * publishing the result) or was failed over: the leader then refuses the claim within a turn
 * and tells this worker to stop. Waiting briefly for that refusal — only on redeliveries, so
 * the normal path pays nothing — keeps such an attempt from running twice.
 */
async function awaitRefusal(active: ActiveTask): Promise<true | Interruption> {
  const pause = new AbortController();
  const refused = await Promise.race([
    active.interrupted,
    delay(REDELIVERY_PAUSE_MS, true as const, { signal: pause.signal }).catch(() => true as const),
  ]);
  pause.abort();
  return refused;
}

async function attempt(active: ActiveTask, deps: AttemptDeps): Promise<void> {
  const { task } = active;
  const label = `task ${task.taskId} attempt ${task.attempt}`;
  const startedAt = deps.clock().toISOString();
  const claimedAt = performance.now();
  let claimed: true | Interruption;
  try {
    // Awaited before the handler starts: the task shows RUNNING here at once, and the
    // result, published later on the same ordered stream, can never overtake its claim.
    const claim = { taskId: task.taskId, attempt: task.attempt, workerId: deps.workerId, startedAt };
    claimed = await Promise.race([deps.bus.publishClaim(claim).then(() => true as const), active.interrupted]);
  } catch (err) {
    deps.logger.warn(`${label}: claim not published (${errorMessage(err)}); handing the task back`);
    active.nak();
    return;
  }

  if (claimed === true && active.redelivered) claimed = await awaitRefusal(active);
  let outcome = claimed === true ? await execute(active, claimedAt, deps) : claimed;
  if (outcome.kind === 'timeout') outcome = failed(outcome.error);
  if (outcome.kind === 'cancel') {
    // The planner already settled the task as cancelled; a result would only be ignored.
    deps.logger.log(`${label}: cancelled`);
    await active.ack().catch((err: unknown) => deps.logger.warn(`${label}: ack failed (${errorMessage(err)})`));
    return;
  }
  if (outcome.kind === 'stop') {
    deps.logger.log(`${label}: not finished at shutdown; handing it back`);
    active.nak();
    return;
  }

  const result: ResultMessage = {
    taskId: task.taskId,
    attempt: task.attempt,
    status: outcome.status,
    output: outcome.output,
    error: outcome.error,
    workerId: deps.workerId,
    startedAt,
    finishedAt: deps.clock().toISOString(),
  };
  if (!(await publishUntilHeld(result, active, deps, label))) return;
  await active.ack().catch((err: unknown) => deps.logger.warn(`${label}: ack failed (${errorMessage(err)})`));
}

const RESULT_RETRY_MAX_MS = 5000;

/**
 * Publishes the result, retrying with backoff while the bus is away (a NATS restart): the
 * leader holds this worker's claim and the worker is alive, so handing the task back instead
 * would leave it RUNNING with nobody on it. Only a stop or a cancel ends the retries: a stop
 * hands the task back (the stopping heartbeat names it), a cancel needs no result.
 */
async function publishUntilHeld(
  result: ResultMessage,
  active: ActiveTask,
  deps: AttemptDeps,
  label: string,
): Promise<boolean> {
  for (let waitMs = 200; ; waitMs = Math.min(waitMs * 2, RESULT_RETRY_MAX_MS)) {
    try {
      await deps.bus.publishResult(result);
      return true;
    } catch (err) {
      deps.logger.warn(`${label}: result not published (${errorMessage(err)}); retrying in ${waitMs} ms`);
    }
    const pause = new AbortController();
    const interrupted = await Promise.race([
      active.interrupted,
      delay(waitMs, null, { signal: pause.signal }).catch(() => null),
    ]);
    pause.abort();
    if (interrupted?.kind === 'stop') {
      deps.logger.log(`${label}: result still not published at shutdown; handing the task back`);
      active.nak();
      return false;
    }
    if (interrupted?.kind === 'cancel') {
      await active.ack().catch(() => undefined);
      return false;
    }
  }
}

/**
 * Claims, runs and settles one attempt: the result is published before the delivery is
 * acked, so a crash in between means a redelivery, never a lost result. Never rejects.
 */
export async function runAttempt(active: ActiveTask, deps: AttemptDeps): Promise<void> {
  // Keeps the bus from redelivering a long task to another worker while this one works on it.
  const ticker = setInterval(() => active.working(), deps.inProgressIntervalMs);
  try {
    await attempt(active, deps);
  } catch (err) {
    deps.logger.error(`task ${active.task.taskId}: ${errorMessage(err)}`);
    active.nak();
  } finally {
    clearInterval(ticker);
  }
}
