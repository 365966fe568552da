import type { Request } from 'express';
import type { JobsLoaders } from '../jobs/jobs.loaders';
import type { RunsLoaders } from '../runs/runs.loaders';

/** What every resolver gets: per-request loaders (never shared between requests). */
export interface GraphQLContext {
  req?: Request;
  loaders: { runs: RunsLoaders; jobs: JobsLoaders };
}
