import { Field, Float, InputType, Int, ObjectType } from '@nestjs/graphql';
import GraphQLJSON from 'graphql-type-json';
import type { ConcurrencyPolicy, JsonObject, MisfirePolicy, TriggerRule } from '../../libs/dag/job-definition';
import { ConcurrencyPolicyEnum, MisfirePolicyEnum, TriggerRuleEnum } from '../common/graphql-enums';

@InputType()
export class StepInput {
  @Field({ description: 'Unique in the job, [a-z0-9_-]{1,64}' }) key: string;
  @Field() handler: string;
  @Field(() => [String], { nullable: true, description: 'Keys of upstream steps' }) dependsOn?: string[] | null;
  @Field(() => Int, { nullable: true, description: 'Default 1, at most 100000' }) shards?: number | null;
  @Field(() => [String], { nullable: true, description: 'When given, its length equals shards' })
  shardParams?: string[] | null;
  @Field(() => GraphQLJSON, { nullable: true }) params?: unknown;
  @Field(() => String, { nullable: true, description: 'Default "default"' }) queue?: string | null;
  @Field(() => Int, { nullable: true, description: 'Default 0' }) retries?: number | null;
  @Field(() => Int, { nullable: true, description: 'Default 1000, doubled on each retry' })
  retryBackoffMs?: number | null;
  @Field(() => Int, { nullable: true, description: 'Per attempt; unset = none' }) timeoutMs?: number | null;
  @Field(() => TriggerRuleEnum, { nullable: true, description: 'Default ALL_SUCCESS' })
  triggerRule?: TriggerRule | null;
}

@InputType()
export class JobInput {
  @Field({ description: '[a-z0-9_.-]{1,128}' }) name: string;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => String, { nullable: true, description: 'Cron, 5 fields or 6 with seconds; unset = manual only' })
  schedule?: string | null;
  @Field(() => String, { nullable: true, description: 'IANA name, default UTC' }) timezone?: string | null;
  @Field(() => [StepInput]) steps: StepInput[];
  @Field(() => GraphQLJSON, { nullable: true, description: 'Default run params' }) params?: unknown;
  @Field(() => ConcurrencyPolicyEnum, { nullable: true }) concurrencyPolicy?: ConcurrencyPolicy | null;
  @Field(() => MisfirePolicyEnum, { nullable: true }) misfirePolicy?: MisfirePolicy | null;
  @Field(() => Int, { nullable: true }) maxActiveRuns?: number | null;
  @Field(() => Boolean, { nullable: true }) paused?: boolean | null;
}

@ObjectType()
export class Step {
  @Field() key: string;
  @Field() handler: string;
  @Field(() => [String]) dependsOn: string[];
  @Field(() => Int) shards: number;
  @Field(() => [String], { nullable: true }) shardParams: string[] | null;
  @Field(() => GraphQLJSON, { nullable: true }) params: JsonObject | null;
  @Field() queue: string;
  @Field(() => Int) retries: number;
  @Field(() => Int) retryBackoffMs: number;
  @Field(() => Int, { nullable: true }) timeoutMs: number | null;
  @Field(() => TriggerRuleEnum) triggerRule: TriggerRule;
}

@ObjectType()
export class JobStats {
  @Field(() => Int) runs: number;
  @Field(() => Int) succeeded: number;
  @Field(() => Int) failed: number;
  @Field(() => Float, { nullable: true }) successRate: number | null;
  @Field(() => Float, { nullable: true }) avgDurationMs: number | null;
  @Field(() => Float, { nullable: true }) p95DurationMs: number | null;
  @Field(() => Int, { description: 'Schedule fires that made no run (FORBID, misfire policy, CATCH_UP limit)' })
  skippedFires: number;
}

@ObjectType()
export class Job {
  /** Internal id, not exposed: runs and stats are looked up by it. */
  jobId: string;
  skippedFires: number;
  @Field() name: string;
  @Field(() => String, { nullable: true }) description: string | null;
  @Field(() => String, { nullable: true }) schedule: string | null;
  @Field() timezone: string;
  @Field() paused: boolean;
  @Field(() => Int) version: number;
  @Field(() => [Step]) steps: Step[];
  @Field(() => ConcurrencyPolicyEnum) concurrencyPolicy: ConcurrencyPolicy;
  @Field(() => MisfirePolicyEnum) misfirePolicy: MisfirePolicy;
  @Field(() => Int, { nullable: true }) maxActiveRuns: number | null;
  @Field(() => Date, { nullable: true, description: 'The next schedule fire; null while paused or unscheduled' })
  nextFireAt: Date | null;
  @Field(() => GraphQLJSON, { nullable: true, description: 'Default run params' }) params: JsonObject | null;
  @Field({ description: 'When this version was made' }) updatedAt: Date;
}
