import type { StepDefinition } from './job-definition';

export interface ShardSpec {
  shardIndex: number;
  shardParam: string | null;
}

/** The tasks one step expands into: shard 0 … shards-1, each with its parameter if the step has them. */
export function expandShards(step: Pick<StepDefinition, 'shards' | 'shardParams'>): ShardSpec[] {
  const shards: ShardSpec[] = new Array<ShardSpec>(step.shards);
  for (let i = 0; i < step.shards; i++) {
    shards[i] = { shardIndex: i, shardParam: step.shardParams?.[i] ?? null };
  }
  return shards;
}
