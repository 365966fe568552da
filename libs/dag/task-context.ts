import { MAX_UPSTREAM_BYTES, type TaskContext } from '../contracts/messages';
import type { JsonObject, StepDefinition } from './job-definition';

/** Shallow merge, later layers win key by key; missing layers are skipped. */
export function mergeParams(...layers: (JsonObject | null | undefined)[]): JsonObject {
  const merged: JsonObject = {};
  for (const layer of layers) {
    if (layer) Object.assign(merged, layer);
  }
  return merged;
}

export interface TaskContextInput {
  taskId: string;
  runId: string;
  jobName: string;
  step: StepDefinition;
  shardIndex: number;
  shardParam: string | null;
  attempt: number;
  /** The run's own params: the job's params already overridden by the trigger's, with `scheduledAt`. */
  runParams: JsonObject;
  /** Outputs of each upstream step, by shard index. */
  upstream: Record<string, unknown[]>;
}

/**
 * The context a handler receives. Upstream outputs are left out past
 * MAX_UPSTREAM_BYTES because the whole task must fit one NATS message;
 * `upstreamOmitted` tells the handler to read them through the API.
 */
export function buildTaskContext(input: TaskContextInput): TaskContext {
  const context: TaskContext = {
    taskId: input.taskId,
    runId: input.runId,
    jobName: input.jobName,
    stepKey: input.step.key,
    shardIndex: input.shardIndex,
    shardCount: input.step.shards,
    shardParam: input.shardParam,
    attempt: input.attempt,
    params: mergeParams(input.runParams, input.step.params),
  };
  const upstreamBytes = Buffer.byteLength(JSON.stringify(input.upstream), 'utf8');
  if (upstreamBytes <= MAX_UPSTREAM_BYTES) context.upstream = input.upstream;
  else context.upstreamOmitted = true;
  return context;
}
