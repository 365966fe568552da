import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { RunsResolver, TaskResolver } from './runs.resolver';
import { RunsService } from './runs.service';

@Module({ imports: [JobsModule], providers: [RunsService, RunsResolver, TaskResolver], exports: [RunsService] })
export class RunsModule {}
