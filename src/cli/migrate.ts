// `npm run migration:run`: applies pending migrations to DATABASE_URL.
import { ConfigError, loadConfig } from '../config/app-config';
import { runMigrations } from '../database/migrate';

async function main(): Promise<void> {
  const config = loadConfig(process.env, []);
  if (!config.databaseUrl) throw new ConfigError('DATABASE_URL: required for migration:run');
  const applied = await runMigrations(config.databaseUrl);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'nothing to apply: the database is up to date');
}

main().catch((err: Error) => {
  process.stderr.write(`shardflow: ${err.message}\n`);
  process.exit(1);
});
