/**
 * The structural part of JobInput validation: types, ranges, patterns. Every
 * message is a reason that reads well after `field: `, because it is shown to
 * the user as is. Graph semantics live in graph-checks.ts.
 */
import { z } from 'zod';
import { checkJsonObject } from './json-object';
import { CONCURRENCY_POLICIES, LIMITS, MISFIRE_POLICIES, TRIGGER_RULES } from './job-definition';
import { isValidTimezone } from './cron';

export const JOB_NAME_RE = /^[a-z0-9_.-]{1,128}$/;
export const STEP_KEY_RE = /^[a-z0-9_-]{1,64}$/;
export const HANDLER_RE = /^[A-Za-z0-9_.:-]{1,128}$/;
/** A queue becomes a NATS subject token (`sf.tasks.<queue>`), so dots, wildcards and spaces are out. */
export const QUEUE_RE = /^[A-Za-z0-9_-]{1,64}$/;
/** A shard parameter travels in every task message of its shard; keep it far below the 1 MiB message limit. */
export const MAX_SHARD_PARAM_CHARS = 4096;

export const NO_STEPS = 'a job needs at least one step';

function requiredString(what: string) {
  return z.string({
    error: (iss) => (iss.input === undefined || iss.input === null ? 'is required' : what),
  });
}

function intIn(min: number, max: number) {
  const reason = `must be an integer from ${min} to ${max}`;
  return z.number(reason).int(reason).min(min, reason).max(max, reason);
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, `must be one of ${values.join(', ')}`);
}

const jsonObject = z.unknown().transform((value, ctx) => {
  const checked = checkJsonObject(value);
  if (checked.ok) return checked.value;
  ctx.addIssue({ code: 'custom', message: checked.reason });
  return z.NEVER;
});

export const stepInputSchema = z.object(
  {
    key: requiredString('must be a string').regex(STEP_KEY_RE, 'must match [a-z0-9_-]{1,64}'),
    handler: requiredString('must be a string').regex(HANDLER_RE, 'must match [A-Za-z0-9_.:-]{1,128}'),
    dependsOn: z.array(z.string('must be a step key'), 'must be a list of step keys').nullish(),
    shards: intIn(1, LIMITS.maxShards).nullish(),
    shardParams: z
      .array(
        z.string('must be a string').max(MAX_SHARD_PARAM_CHARS, `must be at most ${MAX_SHARD_PARAM_CHARS} characters`),
        'must be a list of strings',
      )
      .nullish(),
    params: jsonObject.nullish(),
    queue: z.string('must be a string').regex(QUEUE_RE, 'must match [A-Za-z0-9_-]{1,64}').nullish(),
    retries: intIn(0, LIMITS.maxRetries).nullish(),
    retryBackoffMs: intIn(0, LIMITS.maxRetryBackoffMs).nullish(),
    timeoutMs: intIn(1, LIMITS.maxTimeoutMs).nullish(),
    triggerRule: oneOf(TRIGGER_RULES).nullish(),
  },
  'must be an object',
);

export const jobInputSchema = z.object(
  {
    name: requiredString('must be a string').regex(JOB_NAME_RE, 'must match [a-z0-9_.-]{1,128}'),
    description: z
      .string('must be a string')
      .max(LIMITS.maxDescriptionChars, `must be at most ${LIMITS.maxDescriptionChars} characters`)
      .nullish(),
    // The cron itself is checked with the timezone beside it, in validate-job.ts.
    schedule: z.string('must be a string').nullish(),
    timezone: z.string('must be a string').refine(isValidTimezone, 'is not a valid IANA time zone').nullish(),
    steps: z
      .array(stepInputSchema, {
        error: (iss) => (iss.input === undefined || iss.input === null ? NO_STEPS : 'must be a list of steps'),
      })
      .min(1, NO_STEPS)
      .max(LIMITS.maxSteps, `must have at most ${LIMITS.maxSteps} steps`),
    params: jsonObject.nullish(),
    concurrencyPolicy: oneOf(CONCURRENCY_POLICIES).nullish(),
    misfirePolicy: oneOf(MISFIRE_POLICIES).nullish(),
    maxActiveRuns: z
      .number('must be an integer of at least 1')
      .int('must be an integer of at least 1')
      .min(1, 'must be an integer of at least 1')
      .nullish(),
    paused: z.boolean('must be true or false').nullish(),
  },
  'must be an object',
);

export type ParsedJobInput = z.output<typeof jobInputSchema>;
export type ParsedStepInput = z.output<typeof stepInputSchema>;
