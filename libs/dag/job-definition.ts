/**
 * The normalised form of a job: what `normalizeJobInput` returns and what the
 * planner and the store work with. Every optional field of the GraphQL input
 * is filled here, so no consumer has to know the defaults.
 */
export const TRIGGER_RULES = ['ALL_SUCCESS', 'ALL_DONE', 'ONE_SUCCESS', 'ONE_FAILED', 'NONE_FAILED'] as const;
export type TriggerRule = (typeof TRIGGER_RULES)[number];

/** What a schedule fire does when the job still has a run going. */
export const CONCURRENCY_POLICIES = ['ALLOW', 'FORBID', 'REPLACE'] as const;
export type ConcurrencyPolicy = (typeof CONCURRENCY_POLICIES)[number];

/** What happens to fires missed while no planner led. */
export const MISFIRE_POLICIES = ['FIRE_ONCE', 'SKIP', 'CATCH_UP'] as const;
export type MisfirePolicy = (typeof MISFIRE_POLICIES)[number];

export type JsonObject = { [key: string]: unknown };

export interface StepDefinition {
  key: string;
  handler: string;
  dependsOn: string[];
  shards: number;
  shardParams: string[] | null;
  params: JsonObject | null;
  queue: string;
  retries: number;
  retryBackoffMs: number;
  timeoutMs: number | null;
  triggerRule: TriggerRule;
}

export interface JobDefinition {
  name: string;
  description: string | null;
  schedule: string | null;
  timezone: string;
  steps: StepDefinition[];
  params: JsonObject | null;
  concurrencyPolicy: ConcurrencyPolicy;
  misfirePolicy: MisfirePolicy;
  maxActiveRuns: number | null;
  paused: boolean;
}

/** Limits shared by validation and by whoever wants to explain them to a user. */
export const LIMITS = {
  maxSteps: 1000,
  maxShards: 100_000,
  maxRetries: 100,
  maxRetryBackoffMs: 86_400_000,
  maxTimeoutMs: 604_800_000,
  maxParamsBytes: 65_536,
  maxDescriptionChars: 2000,
} as const;
