import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType()
export class Planner {
  @Field(() => ID) id: string;
  @Field() host: string;
  @Field(() => Int) pid: number;
  @Field() leader: boolean;
  @Field() lastSeenAt: Date;
}

@ObjectType()
export class Cluster {
  @Field(() => String, { nullable: true }) leaderId: string | null;
  @Field(() => Int) epoch: number;
  @Field(() => Date, { nullable: true }) leaderSince: Date | null;
  @Field(() => [Planner]) planners: Planner[];
}
