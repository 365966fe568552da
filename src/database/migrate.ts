import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';

/** Any fixed number: every shardflow process that migrates takes the same advisory lock. */
const MIGRATION_LOCK = 0x5f_5f10;

/**
 * Applies pending migrations. Several processes may start at once (api, planners), so the
 * run is serialised by a PostgreSQL advisory lock: the first migrates, the others then find
 * nothing pending.
 */
export async function runMigrations(url: string): Promise<string[]> {
  // Two connections: one holds the advisory lock while TypeORM migrates on the other.
  const dataSource = new DataSource({ ...dataSourceOptions(url, { poolSize: 2 }), migrationsRun: false });
  await dataSource.initialize();
  try {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      const applied = await dataSource.runMigrations({ transaction: 'all' });
      return applied.map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      await runner.release();
    }
  } finally {
    await dataSource.destroy();
  }
}
