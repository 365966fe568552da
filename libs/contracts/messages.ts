/**
 * The messages that travel on the bus (see CONTRACT.md "Messages (NATS)").
 * Every message read from the bus is decoded through these schemas: a peer
 * on the bus is an input path like any other, and a malformed message must
 * be refused with a clear reason rather than crash a planner or a worker.
 */
import { z } from 'zod';

export const SUBJECTS = {
  tasks: (queue: string) => `sf.tasks.${queue}`,
  started: 'sf.started',
  results: 'sf.results',
  heartbeat: 'sf.workers.heartbeat',
  control: 'sf.control',
} as const;

/** A task message is at most 1 MiB on NATS; upstream outputs beyond this are left out. */
export const MAX_UPSTREAM_BYTES = 512 * 1024;
/** A task's output is JSON of at most this size; larger outputs fail the attempt. */
export const MAX_OUTPUT_BYTES = 256 * 1024;

const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO date-time');
const json = z.unknown();

export const taskContextSchema = z.object({
  taskId: z.string().min(1),
  runId: z.string().min(1),
  jobName: z.string().min(1),
  stepKey: z.string().min(1),
  shardIndex: z.number().int().nonnegative(),
  shardCount: z.number().int().positive(),
  shardParam: z.string().nullable(),
  attempt: z.number().int().positive(),
  params: z.record(z.string(), json),
  upstream: z.record(z.string(), z.array(json)).optional(),
  upstreamOmitted: z.boolean().optional(),
});
export type TaskContext = z.infer<typeof taskContextSchema>;

export const taskMessageSchema = taskContextSchema.extend({
  handler: z.string().min(1),
  queue: z.string().min(1),
  /** Per-attempt timeout in ms, counted from the claim; null = none. */
  timeoutMs: z.number().int().positive().nullable(),
  /** Latest time the attempt may run until, when known at dispatch; null = none. */
  deadline: isoTime.nullable(),
});
export type TaskMessage = z.infer<typeof taskMessageSchema>;

export const claimMessageSchema = z.object({
  taskId: z.string().min(1),
  attempt: z.number().int().positive(),
  workerId: z.string().min(1),
  startedAt: isoTime,
});
export type ClaimMessage = z.infer<typeof claimMessageSchema>;

export const resultMessageSchema = z.object({
  taskId: z.string().min(1),
  attempt: z.number().int().positive(),
  status: z.enum(['succeeded', 'failed']),
  output: json.optional().default(null),
  error: z.string().nullable().optional().default(null),
  workerId: z.string().min(1),
  startedAt: isoTime,
  finishedAt: isoTime,
});
export type ResultMessage = z.infer<typeof resultMessageSchema>;

export const heartbeatMessageSchema = z.object({
  workerId: z.string().min(1),
  host: z.string(),
  pid: z.number().int(),
  queues: z.array(z.string()),
  handlers: z.array(z.string()),
  running: z.number().int().nonnegative(),
  at: isoTime,
  /** The tasks it runs now: a claimed task missing here was given back, and is failed over. */
  taskIds: z.array(z.string()).optional(),
  /** The worker's last word: it is leaving, so the leader fails over what it held at once. */
  stopping: z.boolean().optional(),
  /** Tasks a stopping worker handed back unfinished (their attempts are lost, not failed). */
  released: z.array(z.string()).optional(),
});
export type HeartbeatMessage = z.infer<typeof heartbeatMessageSchema>;

export const controlMessageSchema = z.object({
  type: z.literal('cancel'),
  runId: z.string().min(1),
  taskIds: z.array(z.string()),
  /** When set, only this worker acts on it (a refused duplicate claim must not stop the holder). */
  workerId: z.string().min(1).optional(),
  /** With `workerId`: only this attempt of the listed tasks (a later attempt there must go on). */
  attempt: z.number().int().positive().optional(),
});
export type ControlMessage = z.infer<typeof controlMessageSchema>;

/** What the leader consumes, in the order workers published it. */
export type PlannerEvent = { kind: 'claim'; claim: ClaimMessage } | { kind: 'result'; result: ResultMessage };

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: string };

/** Decodes bytes from the bus; the error names the offending field. */
export function decodeMessage<T>(schema: z.ZodType<T>, data: Uint8Array | string): Decoded<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(typeof data === 'string' ? data : Buffer.from(data).toString('utf8'));
  } catch {
    return { ok: false, error: 'body is not JSON' };
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const path = issue.path.map(String).join('.') || '(body)';
  return { ok: false, error: `${path}: ${issue.message}` };
}

export function encodeMessage(value: unknown): Uint8Array {
  return Buffer.from(JSON.stringify(value), 'utf8');
}
