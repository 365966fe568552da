import { cronProblem, isValidTimezone, normalizeCron } from './cron';
import { findCycle, rawStepEdges, stepGraphProblems } from './graph-checks';
import type { JobDefinition, JsonObject, StepDefinition } from './job-definition';
import { jobInputSchema, type ParsedStepInput } from './job-schema';
import { checkJsonObject, isRecord } from './json-object';
import { firstProblem, formatPath, type PathSegment, type Problem } from './problems';

/** Bad user input; the api turns it into a BAD_USER_INPUT error whose message names the field. */
export class JobValidationError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'JobValidationError';
  }
}

export const DEFAULT_TIMEZONE = 'UTC';

function field(value: unknown, name: string): unknown {
  return isRecord(value) ? value[name] : undefined;
}

function scheduleProblem(input: unknown): Problem | null {
  const schedule = field(input, 'schedule');
  if (typeof schedule !== 'string') return null;
  const timezone = field(input, 'timezone');
  // A bad timezone is its own, later problem; the pattern is judged on its own meanwhile.
  const zone = typeof timezone === 'string' && isValidTimezone(timezone) ? timezone : DEFAULT_TIMEZONE;
  const reason = cronProblem(schedule, zone);
  return reason === null ? null : { path: ['schedule'], reason };
}

function toStep(step: ParsedStepInput): StepDefinition {
  return {
    key: step.key,
    handler: step.handler,
    dependsOn: step.dependsOn ?? [],
    shards: step.shards ?? 1,
    shardParams: step.shardParams ?? null,
    params: step.params ?? null,
    queue: step.queue ?? 'default',
    retries: step.retries ?? 0,
    retryBackoffMs: step.retryBackoffMs ?? 1000,
    timeoutMs: step.timeoutMs ?? null,
    triggerRule: step.triggerRule ?? 'ALL_SUCCESS',
  };
}

/**
 * Validates a raw GraphQL JobInput and fills its defaults. Throws a
 * JobValidationError naming the first bad field in document order.
 */
export function normalizeJobInput(input: unknown): JobDefinition {
  const parsed = jobInputSchema.safeParse(input);
  const problems: Problem[] = parsed.success
    ? []
    : parsed.error.issues.map((issue) => ({
        path: issue.path.filter((s): s is PathSegment => typeof s !== 'symbol'),
        reason: issue.message,
      }));
  const schedule = scheduleProblem(input);
  if (schedule) problems.push(schedule);
  const rawSteps = field(input, 'steps');
  problems.push(...stepGraphProblems(rawSteps));
  // A cycle is only meaningful once every step and dependency is itself valid.
  if (!problems.some((p) => p.path.length === 0 || p.path[0] === 'steps')) {
    const cycle = findCycle(rawStepEdges(rawSteps));
    if (cycle) problems.push(cycle);
  }

  const first = firstProblem(problems);
  if (first) throw new JobValidationError(first.field ?? formatPath(first.path), first.reason);
  if (!parsed.success) throw new Error('unreachable: zod failed without an issue');

  const job = parsed.data;
  return {
    name: job.name,
    description: job.description ?? null,
    schedule: job.schedule == null ? null : normalizeCron(job.schedule),
    timezone: job.timezone ?? DEFAULT_TIMEZONE,
    steps: job.steps.map(toStep),
    params: job.params ?? null,
    concurrencyPolicy: job.concurrencyPolicy ?? 'ALLOW',
    misfirePolicy: job.misfirePolicy ?? 'FIRE_ONCE',
    maxActiveRuns: job.maxActiveRuns ?? null,
    paused: job.paused ?? false,
  };
}

/** Params given to triggerJob: a JSON object of at most 64 KiB, or nothing. */
export function validateRunParams(params: unknown, field = 'params'): JsonObject | null {
  if (params === undefined || params === null) return null;
  const checked = checkJsonObject(params);
  if (!checked.ok) throw new JobValidationError(field, checked.reason);
  return checked.value;
}
