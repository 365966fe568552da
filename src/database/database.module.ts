import { type DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions } from './data-source-options';
import { DATABASE_URL } from './database.tokens';
import { PgNotifier } from './pg-notifier';

@Global()
@Module({})
export class DatabaseModule {
  /** `leaseMs`: a transaction left idle for half a lease is ended, so a frozen leader cannot block a takeover. */
  static forRoot(url: string, leaseMs: number): DynamicModule {
    const idleInTransactionMs = Math.max(500, Math.floor(leaseMs / 2));
    return {
      module: DatabaseModule,
      imports: [TypeOrmModule.forRoot(dataSourceOptions(url, { idleInTransactionMs }))],
      providers: [{ provide: DATABASE_URL, useValue: url }, PgNotifier],
      exports: [DATABASE_URL, PgNotifier],
    };
  }
}
