import type { z } from 'zod';
import {
  claimMessageSchema,
  decodeMessage,
  encodeMessage,
  resultMessageSchema,
  SUBJECTS,
  taskMessageSchema,
  type Decoded,
  type PlannerEvent,
  type TaskMessage,
} from '../../libs/contracts/messages';

/** Where the buses report malformed input and connection changes (a Nest `Logger` fits). */
export interface BusLogger {
  warn(msg: string): void;
  log(msg: string): void;
}

/** NATS's default max_payload; the in-process bus refuses the same sizes so embedded mode finds oversize tasks too. */
export const DEFAULT_MAX_PAYLOAD = 1024 * 1024;

/** Raised for a task the bus will never carry (invalid or too large), so the planner can fail that task alone. */
export class TaskRefusedError extends Error {
  constructor(
    readonly taskId: string,
    readonly attempt: number,
    reason: string,
  ) {
    super(`task ${taskId} (attempt ${attempt}) refused by the bus: ${reason}`);
    this.name = 'TaskRefusedError';
  }
}

export const taskMsgId = (task: Pick<TaskMessage, 'taskId' | 'attempt'>): string => `${task.taskId}:${task.attempt}`;

// Queues become subject tokens: a wildcard or blank would publish to or consume from the wrong subjects.
const QUEUE_NAME = /^[^\s*>.]+(\.[^\s*>.]+)*$/;

export function assertQueueName(queue: string): void {
  if (!QUEUE_NAME.test(queue)) {
    throw new Error(`queue "${queue}" is not a valid queue name (no blanks, "*", ">" or empty dot-separated parts)`);
  }
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  const path = issue.path.map(String).join('.') || '(body)';
  return `${path}: ${issue.message}`;
}

/** Validates before encoding so a bad publisher fails at its own call site, not in a distant consumer. */
export function encodeChecked<T>(schema: z.ZodType<T>, value: T, what: string): Uint8Array {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`${what}: ${firstIssue(parsed.error)}`);
  return encodeMessage(value);
}

/** Encodes a task, refusing it (naming it) when invalid or when it would pass `maxBytes` with `overheadBytes` of headers. */
export function encodeTask(task: TaskMessage, maxBytes: number, overheadBytes = 0): Uint8Array {
  const parsed = taskMessageSchema.safeParse(task);
  if (!parsed.success) throw new TaskRefusedError(task.taskId, task.attempt, firstIssue(parsed.error));
  assertQueueName(task.queue);
  const data = encodeMessage(task);
  const size = data.length + overheadBytes;
  if (size > maxBytes) {
    throw new TaskRefusedError(
      task.taskId,
      task.attempt,
      `message is ${size} bytes, over the bus limit of ${maxBytes} bytes (NATS max_payload)`,
    );
  }
  return data;
}

/** Reads a claim or result; the subject (without prefix) says which schema applies. */
export function decodeEvent(subject: string, data: Uint8Array): Decoded<PlannerEvent> {
  if (subject === SUBJECTS.started) {
    const d = decodeMessage(claimMessageSchema, data);
    return d.ok ? { ok: true, value: { kind: 'claim', claim: d.value } } : d;
  }
  if (subject === SUBJECTS.results) {
    const d = decodeMessage(resultMessageSchema, data);
    return d.ok ? { ok: true, value: { kind: 'result', result: d.value } } : d;
  }
  return { ok: false, error: `unexpected subject ${subject}` };
}

export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
