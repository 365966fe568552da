// CI guard: the committed migrations must build exactly the schema the entities describe, and
// the committed schema.graphql must be what the code serves. Fails with the difference.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../database/data-source-options';
import { runMigrations } from '../database/migrate';
import { printGraphQLSchema } from './graphql-schema';

const ROOT = join(__dirname, '..', '..', '..');
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function migrationDrift(): Promise<string[]> {
  const name = `sf_drift_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  try {
    await runMigrations(url.toString());
    const ds = new DataSource(dataSourceOptions(url.toString(), { poolSize: 1 }));
    await ds.initialize();
    const pending = await ds.driver.createSchemaBuilder().log();
    await ds.destroy();
    return pending.upQueries.map((q) => q.query);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

async function main(): Promise<void> {
  let failed = false;
  const queries = await migrationDrift();
  if (queries.length) {
    failed = true;
    console.error('migrations/ do not match the entities; generate a migration. Missing:\n' + queries.join(';\n'));
  } else console.log('migrations match the entities');

  const schemaPath = join(ROOT, 'schema.graphql');
  const printed = await printGraphQLSchema();
  if (process.argv.includes('--write')) writeFileSync(schemaPath, printed);
  const committed = readFileSync(schemaPath, 'utf8');
  if (committed !== printed) {
    failed = true;
    console.error('schema.graphql is out of date: run `npm run schema:print` and commit it');
  } else console.log('schema.graphql matches the code');
  if (failed) process.exit(1);
}

main().catch((err: Error) => {
  console.error(`check-drift: ${err.message}`);
  process.exit(1);
});
