import { Query, Resolver } from '@nestjs/graphql';
import { Worker } from './worker.types';
import { WorkersService } from './workers.service';

@Resolver(() => Worker)
export class WorkersResolver {
  constructor(private readonly workersService: WorkersService) {}

  @Query(() => [Worker])
  workers(): Promise<Worker[]> {
    return this.workersService.list();
  }
}
