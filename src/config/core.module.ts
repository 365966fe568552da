import { type DynamicModule, Global, Module } from '@nestjs/common';
import { CLOCK, SystemClock, type Clock } from '../clock/clock.port';
import { APP_CONFIG, type AppConfig } from './app-config';

/** Configuration and the clock: what every role needs. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig, clock: Clock = new SystemClock()): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: CLOCK, useValue: clock },
      ],
      exports: [APP_CONFIG, CLOCK],
    };
  }
}
