import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { Dispatcher } from './dispatcher';

@Module({ imports: [JobsModule], providers: [Dispatcher], exports: [Dispatcher] })
export class DispatchModule {}
