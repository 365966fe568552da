import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType()
export class Worker {
  @Field(() => ID) id: string;
  @Field() host: string;
  @Field(() => Int) pid: number;
  @Field(() => [String]) queues: string[];
  @Field(() => [String]) handlers: string[];
  @Field(() => Int) running: number;
  @Field() lastSeenAt: Date;
  @Field({ description: 'Heard from within SHARDFLOW_WORKER_TIMEOUT_MS' }) alive: boolean;
}
