import { Args, Context, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { GraphQLContext } from '../common/graphql-context';
import { badUserInput } from '../common/graphql-errors';
import { Run } from '../runs/run.types';
import { Job, JobInput, JobStats } from './job.types';
import { JobsService, type JobView } from './jobs.service';

function toJob(view: JobView, nextFireAt: Date | null): Job {
  const d = view.definition;
  return {
    jobId: view.jobId,
    skippedFires: view.skippedFires,
    nextFireAt,
    name: view.name,
    description: d.description,
    schedule: d.schedule,
    timezone: d.timezone,
    paused: view.paused,
    version: view.version,
    steps: d.steps,
    concurrencyPolicy: d.concurrencyPolicy,
    misfirePolicy: d.misfirePolicy,
    maxActiveRuns: d.maxActiveRuns,
    params: d.params,
    updatedAt: view.updatedAt,
  };
}

@Resolver(() => Job)
export class JobsResolver {
  constructor(private readonly jobsService: JobsService) {}

  private toJob = (view: JobView): Job => toJob(view, this.jobsService.nextFireAt(view));

  @Query(() => [Job])
  async jobs(): Promise<Job[]> {
    return (await this.jobsService.list()).map(this.toJob);
  }

  @Query(() => Job, { nullable: true })
  async job(@Args('name') name: string): Promise<Job | null> {
    const view = await this.jobsService.findByName(name);
    return view ? this.toJob(view) : null;
  }

  @Mutation(() => Job)
  async createJob(@Args('input', { type: () => JobInput }) input: JobInput): Promise<Job> {
    return this.toJob(await this.jobsService.create(input));
  }

  @Mutation(() => Job, { description: 'A new version; running runs keep theirs' })
  async updateJob(@Args('name') name: string, @Args('input', { type: () => JobInput }) input: JobInput): Promise<Job> {
    return this.toJob(await this.jobsService.update(name, input));
  }

  @Mutation(() => Job, { description: 'Stops schedule fires; manual triggers, backfills and retries still run' })
  async pauseJob(@Args('name') name: string): Promise<Job> {
    return this.toJob(await this.jobsService.pause(name));
  }

  @Mutation(() => Job, { description: 'Restarts schedule fires at the next one; fires during the pause are not made' })
  async resumeJob(@Args('name') name: string): Promise<Job> {
    return this.toJob(await this.jobsService.resume(name));
  }

  @Mutation(() => Boolean)
  deleteJob(@Args('name') name: string): Promise<boolean> {
    return this.jobsService.delete(name);
  }

  @ResolveField(() => [Run])
  runs(
    @Parent() job: Job,
    @Context() ctx: GraphQLContext,
    @Args('limit', { type: () => Int, nullable: true }) limit: number | null,
  ): Promise<Run[]> {
    const n = limit ?? 20;
    if (!Number.isInteger(n) || n < 1 || n > 1000) throw badUserInput('limit: must be 1..1000');
    return ctx.loaders.jobs.runs.load(`${job.jobId}:${n}`);
  }

  @ResolveField(() => JobStats)
  async stats(@Parent() job: Job, @Context() ctx: GraphQLContext): Promise<JobStats> {
    return { ...(await ctx.loaders.jobs.stats.load(job.jobId)), skippedFires: job.skippedFires };
  }
}
