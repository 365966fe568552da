import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { hostname } from 'node:os';
import type { TaskHandler } from '../../libs/worker-sdk/handler';
import { TASK_BUS, type TaskBus } from '../bus/task-bus.port';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { makeWorkerId } from './worker-id';
import { WorkerRuntime } from './worker-runtime';

/** DI token for users' own handlers, added to the built-ins. */
export const USER_HANDLERS = Symbol('USER_HANDLERS');

/** The worker role in Nest: wraps the plain WorkerRuntime with the app's configuration. */
@Injectable()
export class WorkerService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly runtime: WorkerRuntime;
  private readonly stopGraceMs: number;

  constructor(
    @Inject(TASK_BUS) bus: TaskBus,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(USER_HANDLERS) handlers: TaskHandler[],
  ) {
    const logger = new Logger('Worker');
    this.stopGraceMs = config.workerStopGraceMs;
    this.runtime = new WorkerRuntime({
      bus,
      workerId: makeWorkerId(hostname(), process.pid),
      host: hostname(),
      pid: process.pid,
      queues: config.workerQueues,
      concurrency: config.workerConcurrency,
      handlers,
      allowShell: config.workerAllowShell,
      heartbeatIntervalMs: Math.max(50, Math.floor(config.workerTimeoutMs / 5)),
      logger: { log: (m) => logger.log(m), warn: (m) => logger.warn(m), error: (m) => logger.error(m) },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.runtime.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runtime.stop(this.stopGraceMs);
  }
}
