import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import GraphQLJSON from 'graphql-type-json';
import { RunState } from '../../libs/dag/run-state';
import type { GraphQLContext } from '../common/graphql-context';
import { RunStatusEnum, TaskStatusEnum } from '../common/graphql-enums';
import { JobsService } from '../jobs/jobs.service';
import type { RunStatus } from './run.entity';
import { Attempt, Run, RunStep, Task } from './run.types';
import { RunsService } from './runs.service';
import type { TaskStatus } from './task.entity';

@Resolver(() => Run)
export class RunsResolver {
  constructor(
    private readonly runsService: RunsService,
    private readonly jobsService: JobsService,
  ) {}

  @Query(() => Run, { nullable: true })
  run(@Args('id', { type: () => ID }) id: string): Promise<Run | null> {
    return this.runsService.find(id);
  }

  @Query(() => [Run])
  runs(
    @Args('jobName', { type: () => String, nullable: true }) jobName: string | null,
    @Args('status', { type: () => RunStatusEnum, nullable: true }) status: RunStatus | null,
    @Args('limit', { type: () => Int, nullable: true }) limit: number | null,
  ): Promise<Run[]> {
    return this.runsService.list({ jobName, status, limit });
  }

  @Mutation(() => Run)
  triggerJob(
    @Args('name') name: string,
    @Args('params', { type: () => GraphQLJSON, nullable: true }) params: unknown,
  ): Promise<Run> {
    return this.runsService.trigger(name, params ?? null);
  }

  @Mutation(() => [Run], {
    description: 'One BACKFILL run per schedule fire time in [from, to]; idempotent. Answers every run of the window.',
  })
  backfillJob(
    @Args('name') name: string,
    @Args('from', { type: () => Date }) from: Date,
    @Args('to', { type: () => Date }) to: Date,
  ): Promise<Run[]> {
    return this.runsService.backfill(name, from, to);
  }

  @Mutation(() => Run, { description: 'Requests the cancel; the run turns CANCELLED when the planner acts' })
  cancelRun(@Args('id', { type: () => ID }) id: string): Promise<Run> {
    return this.runsService.requestCancel(id);
  }

  @Mutation(() => Run, { description: 'A new run (trigger RETRY, retryOf = id) of the same job version' })
  retryRun(@Args('id', { type: () => ID }) id: string): Promise<Run> {
    return this.runsService.retry(id);
  }

  @ResolveField(() => [RunStep])
  async steps(@Parent() run: Run, @Context() ctx: GraphQLContext): Promise<RunStep[]> {
    const [definition, states] = await Promise.all([
      this.jobsService.definition(run.jobId, run.jobVersion),
      ctx.loaders.runs.runSteps.load(run.id),
    ]);
    const view = new RunState(definition.steps, states);
    const known = new Set(states.map((s) => s.key));
    return definition.steps.map((step) => {
      const { progress } = view.step(step.key);
      // A run cancelled before it started has no step rows: its steps never ran.
      const status = !known.has(step.key) && run.status === 'CANCELLED' ? 'CANCELLED' : view.stepStatus(step.key);
      return {
        key: step.key,
        status,
        shards: step.shards,
        succeeded: progress.succeeded,
        failed: progress.failed,
        skipped: progress.skipped,
        cancelled: progress.cancelled,
      };
    });
  }

  @ResolveField(() => [Task])
  tasks(
    @Parent() run: Run,
    @Context() ctx: GraphQLContext,
    @Args('stepKey', { type: () => String, nullable: true }) stepKey: string | null,
    @Args('status', { type: () => TaskStatusEnum, nullable: true }) status: TaskStatus | null,
    @Args('limit', { type: () => Int, nullable: true }) limit: number | null,
    @Args('offset', { type: () => Int, nullable: true }) offset: number | null,
  ): Promise<Task[]> {
    const filter = {
      stepKey: stepKey ?? null,
      status: status ?? null,
      limit: this.runsService.limit(limit, 'limit', 1000),
      offset: offset === null || offset === undefined ? 0 : Math.max(0, offset),
    };
    return ctx.loaders.runs.tasks.load({ runId: run.id, filter });
  }
}

@Resolver(() => Task)
export class TaskResolver {
  @ResolveField(() => [Attempt])
  attempts(@Parent() task: Task, @Context() ctx: GraphQLContext): Promise<Attempt[]> {
    return ctx.loaders.runs.attempts.load(task.id);
  }
}
