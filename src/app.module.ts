import type { DynamicModule, ModuleMetadata } from '@nestjs/common';
import type { TaskHandler } from '../libs/worker-sdk/handler';
import { ApiModule } from './api/api.module';
import { BusModule } from './bus/bus.module';
import type { Clock } from './clock/clock.port';
import type { AppConfig } from './config/app-config';
import { CoreModule } from './config/core.module';
import { DatabaseModule } from './database/database.module';
import { PlannerModule } from './planner/planner.module';
import { WorkerModule } from './worker/worker.module';

export interface AppOptions {
  config: AppConfig;
  /** Required when the api or planner role runs. */
  databaseUrl: string | null;
  clock?: Clock;
  handlers?: TaskHandler[];
}

/**
 * The root module for a set of roles, built from shared providers: each role brings only
 * what it needs (a worker has no database; an api has no bus).
 */
export class AppModule {
  static forRoles(options: AppOptions): DynamicModule {
    const { config } = options;
    const has = (role: string) => config.roles.includes(role as AppConfig['roles'][number]);
    const imports: ModuleMetadata['imports'] = [CoreModule.forRoot(config, options.clock)];
    if (has('api') || has('planner')) {
      if (!options.databaseUrl) throw new Error('the api and planner roles need a database');
      imports.push(DatabaseModule.forRoot(options.databaseUrl, config.leaseMs));
    }
    if (has('planner') || has('worker')) imports.push(BusModule.forRoot());
    if (has('planner')) imports.push(PlannerModule);
    if (has('api')) imports.push(ApiModule);
    if (has('worker')) imports.push(WorkerModule.forRoot(options.handlers));
    return { module: AppModule, imports };
  }
}
