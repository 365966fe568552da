import { Args, ID, Resolver, Subscription } from '@nestjs/graphql';
import type { GraphQLContext } from '../common/graphql-context';
import { Run } from './run.types';
import { RunEventsService, type RunUpdate } from './run-events.service';

@Resolver(() => Run)
export class RunEventsResolver {
  constructor(private readonly events: RunEventsService) {}

  @Subscription(() => Run, {
    description:
      'A run as it stands after each committed change (new, started, task progress, finished). ' +
      'Filter by id or by job name; neither gives every run. Query first for the current state.',
    // The subscription's context lives as long as the subscription, but its loaders cache:
    // each event brings the loaders of its batch (shared by every subscriber of that batch)
    // so nested fields (steps, tasks) are read fresh, once per batch. graphql-js resolves one
    // event of a subscription at a time, so swapping them here is safe.
    resolve: (event: RunUpdate, _args: unknown, ctx: GraphQLContext) => {
      ctx.loaders = event.shared;
      return event.run;
    },
  })
  runUpdated(
    @Args('id', { type: () => ID, nullable: true }) id: string | null,
    @Args('jobName', { type: () => String, nullable: true }) jobName: string | null,
  ): AsyncIterableIterator<RunUpdate> {
    return this.events.subscribe({ id: id ?? null, jobName: jobName ?? null });
  }
}
