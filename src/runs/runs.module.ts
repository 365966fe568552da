import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { RunEventsResolver } from './run-events.resolver';
import { RunEventsService } from './run-events.service';
import { RunsResolver, TaskResolver } from './runs.resolver';
import { RunsService } from './runs.service';

@Module({
  imports: [JobsModule],
  providers: [RunsService, RunsResolver, TaskResolver, RunEventsService, RunEventsResolver],
  exports: [RunsService, RunEventsService],
})
export class RunsModule {}
