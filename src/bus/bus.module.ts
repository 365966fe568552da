import { type DynamicModule, Global, Logger, Module, type OnApplicationShutdown, Inject } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { InProcessTaskBus } from './in-process-task-bus';
import { NatsTaskBus } from './nats-task-bus';
import { TASK_BUS, type TaskBus } from './task-bus.port';

/** The bus by configuration: NATS JetStream when NATS_URL is set, else the in-process bus. */
@Global()
@Module({})
export class BusModule implements OnApplicationShutdown {
  constructor(@Inject(TASK_BUS) private readonly bus: TaskBus) {}

  static forRoot(): DynamicModule {
    return {
      module: BusModule,
      providers: [
        {
          provide: TASK_BUS,
          inject: [APP_CONFIG],
          useFactory: async (config: AppConfig): Promise<TaskBus> => {
            const logger = new Logger('Bus');
            const bus: TaskBus = config.natsUrl
              ? new NatsTaskBus({
                  url: config.natsUrl,
                  subjectPrefix: config.natsPrefix,
                  name: `shardflow ${config.roles.join(',')}`,
                  logger,
                })
              : new InProcessTaskBus({ logger });
            await bus.init();
            return bus;
          },
        },
      ],
      exports: [TASK_BUS],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
  }
}
