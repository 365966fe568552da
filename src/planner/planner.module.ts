import { Module } from '@nestjs/common';
import { DispatchModule } from '../dispatch/dispatch.module';
import { JobsModule } from '../jobs/jobs.module';
import { LeaseModule } from '../lease/lease.module';
import { WorkersModule } from '../workers/workers.module';
import { PlannerService } from './planner.service';

/** The planner role: leader election and, on the leader, the planning loop. */
@Module({
  imports: [LeaseModule, JobsModule, DispatchModule, WorkersModule],
  providers: [PlannerService],
  exports: [PlannerService],
})
export class PlannerModule {}
