import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import GraphQLJSON from 'graphql-type-json';
import type { JsonObject } from '../../libs/dag/job-definition';
import { RunStatusEnum, RunTriggerEnum, TaskStatusEnum } from '../common/graphql-enums';
import type { RunStatus, RunTrigger } from './run.entity';
import type { TaskStatus } from './task.entity';

@ObjectType()
export class Attempt {
  taskId: string;
  @Field(() => Int) number: number;
  @Field(() => String, { nullable: true }) workerId: string | null;
  @Field(() => TaskStatusEnum) status: TaskStatus;
  @Field(() => Date, { nullable: true }) startedAt: Date | null;
  @Field(() => Date, { nullable: true }) finishedAt: Date | null;
  @Field(() => String, { nullable: true }) error: string | null;
}

@ObjectType()
export class Task {
  @Field(() => ID) id: string;
  runId: string;
  @Field() stepKey: string;
  @Field(() => Int) shardIndex: number;
  @Field(() => String, { nullable: true }) shardParam: string | null;
  @Field(() => TaskStatusEnum) status: TaskStatus;
  @Field(() => Int) attempt: number;
  @Field(() => String, { nullable: true }) workerId: string | null;
  @Field(() => Date, { nullable: true }) startedAt: Date | null;
  @Field(() => Date, { nullable: true }) finishedAt: Date | null;
  @Field(() => GraphQLJSON, { nullable: true }) output: unknown;
  @Field(() => String, { nullable: true }) error: string | null;
}

@ObjectType()
export class RunStep {
  @Field() key: string;
  @Field(() => TaskStatusEnum) status: TaskStatus;
  @Field(() => Int) shards: number;
  @Field(() => Int) succeeded: number;
  @Field(() => Int) failed: number;
  @Field(() => Int, { description: 'Tasks skipped' }) skipped: number;
  @Field(() => Int, { description: 'Tasks cancelled' }) cancelled: number;
}

@ObjectType()
export class Run {
  @Field(() => ID) id: string;
  jobId: string;
  @Field() jobName: string;
  @Field(() => Int) jobVersion: number;
  @Field(() => RunStatusEnum) status: RunStatus;
  @Field(() => RunTriggerEnum) trigger: RunTrigger;
  @Field(() => Date, { nullable: true }) scheduledAt: Date | null;
  @Field() createdAt: Date;
  @Field(() => Date, { nullable: true }) startedAt: Date | null;
  @Field(() => Date, { nullable: true }) finishedAt: Date | null;
  @Field(() => GraphQLJSON, { nullable: true }) params: JsonObject;
  @Field(() => ID, { nullable: true }) retryOf: string | null;
  @Field(() => Date, { nullable: true, description: 'When a cancel was requested' }) cancelRequestedAt: Date | null;
}
