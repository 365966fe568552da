import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { ENTITIES } from './entities';

/** The one place a TypeORM DataSource is described: the app, the migration CLI and tests share it. */
export function dataSourceOptions(
  url: string,
  extra: { poolSize?: number; idleInTransactionMs?: number } = {},
): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    uuidExtension: 'pgcrypto',
    poolSize: extra.poolSize ?? 10,
    logging: ['error'],
    // A process frozen inside a transaction (SIGSTOP, a stalled VM) must not hold its locks —
    // the planner lease row above all — for longer than part of a lease: PostgreSQL ends it.
    ...(extra.idleInTransactionMs
      ? { extra: { options: `-c idle_in_transaction_session_timeout=${extra.idleInTransactionMs}` } }
      : {}),
  };
}
