import { type DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions } from './data-source-options';
import { DATABASE_URL } from './database.tokens';
import { PgNotifier } from './pg-notifier';

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(url: string): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [TypeOrmModule.forRoot(dataSourceOptions(url))],
      providers: [{ provide: DATABASE_URL, useValue: url }, PgNotifier],
      exports: [DATABASE_URL, PgNotifier],
    };
  }
}
