/** The public GraphQL API's shapes, as the console reads them (see schema.graphql). */

export type RunStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
export type TaskStatus = 'PENDING' | 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED' | 'SKIPPED';
export type AnyStatus = RunStatus | TaskStatus;
export type TriggerRule = 'ALL_SUCCESS' | 'ALL_DONE' | 'ONE_SUCCESS' | 'ONE_FAILED' | 'NONE_FAILED';
export type RunTrigger = 'SCHEDULE' | 'MANUAL' | 'BACKFILL' | 'RETRY';
export type ConcurrencyPolicy = 'ALLOW' | 'FORBID' | 'REPLACE';
export type MisfirePolicy = 'FIRE_ONCE' | 'SKIP' | 'CATCH_UP';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Step {
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

export interface JobStats {
  runs: number;
  succeeded: number;
  failed: number;
  successRate: number | null;
  avgDurationMs: number | null;
  p95DurationMs: number | null;
  skippedFires: number;
}

export interface RunStep {
  key: string;
  status: TaskStatus;
  shards: number;
  succeeded: number;
  failed: number;
  skipped: number;
  cancelled: number;
}

export interface RunSummary {
  id: string;
  jobName: string;
  jobVersion: number;
  status: RunStatus;
  trigger: RunTrigger;
  scheduledAt: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  cancelRequestedAt: string | null;
  retryOf: string | null;
  steps: RunStep[];
}

export interface Run extends RunSummary {
  params: JsonObject | null;
}

export interface Job {
  name: string;
  description: string | null;
  schedule: string | null;
  timezone: string;
  paused: boolean;
  version: number;
  updatedAt: string;
  nextFireAt: string | null;
  concurrencyPolicy: ConcurrencyPolicy;
  misfirePolicy: MisfirePolicy;
  maxActiveRuns: number | null;
  params: JsonObject | null;
  steps: Step[];
  stats: JobStats;
  runs: RunSummary[];
}

/** What the editor reads: the definition alone. */
export type JobDefinition = Pick<
  Job,
  | 'name'
  | 'description'
  | 'schedule'
  | 'timezone'
  | 'paused'
  | 'version'
  | 'concurrencyPolicy'
  | 'misfirePolicy'
  | 'maxActiveRuns'
  | 'params'
  | 'steps'
>;

/** A row of the jobs list: less than a Job. */
export interface JobListItem {
  name: string;
  description: string | null;
  schedule: string | null;
  timezone: string;
  paused: boolean;
  version: number;
  nextFireAt: string | null;
  steps: Array<Pick<Step, 'key' | 'shards'>>;
  stats: Pick<JobStats, 'runs' | 'successRate'>;
  runs: Array<Pick<RunSummary, 'id' | 'status' | 'createdAt'>>;
}

export interface Attempt {
  number: number;
  workerId: string | null;
  status: TaskStatus;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
}

export interface Task {
  id: string;
  stepKey: string;
  shardIndex: number;
  shardParam: string | null;
  status: TaskStatus;
  attempt: number;
  workerId: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  output?: Json;
  error: string | null;
  attempts: Attempt[];
}

export interface Worker {
  id: string;
  host: string;
  pid: number;
  queues: string[];
  handlers: string[];
  running: number;
  lastSeenAt: string;
  alive: boolean;
}

export interface Planner {
  id: string;
  host: string;
  pid: number;
  leader: boolean;
  lastSeenAt: string;
}

export interface Cluster {
  leaderId: string | null;
  epoch: number;
  leaderSince: string | null;
  planners: Planner[];
}
