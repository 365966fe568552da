import { type DynamicModule, Module } from '@nestjs/common';
import type { TaskHandler } from '../../libs/worker-sdk/handler';
import { USER_HANDLERS, WorkerService } from './worker.service';

/** The worker role. It needs the bus only: no database. */
@Module({})
export class WorkerModule {
  static forRoot(handlers: TaskHandler[] = []): DynamicModule {
    return {
      module: WorkerModule,
      providers: [{ provide: USER_HANDLERS, useValue: handlers }, WorkerService],
      exports: [WorkerService],
    };
  }
}
