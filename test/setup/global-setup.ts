import { execFileSync } from 'node:child_process';
import { Client } from 'pg';
import type { TestProject } from 'vitest/node';
import { runMigrations } from '../../src/database/migrate';

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
    templateDatabase: string;
  }
}

/** Where tests find PostgreSQL; CI's service unless TEST_DATABASE_URL says otherwise. */
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Once per test run: build dist/ (the split-process tests run `node dist/main.js`) and make a
 * migrated template database. Each test file copies the template (CREATE DATABASE … TEMPLATE),
 * which takes milliseconds, so every file gets a database of its own.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  execFileSync(process.execPath, ['scripts/build-if-needed.mjs'], { stdio: 'inherit' });
  const admin = new Client({ connectionString: ADMIN_URL });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL is not reachable at ${ADMIN_URL} (${(err as Error).message}); ` +
        'start it (see README "Running the tests") or set TEST_DATABASE_URL',
    );
  }
  const template = `sf_template_${process.pid}`;
  await admin.query(`DROP DATABASE IF EXISTS ${template}`);
  await admin.query(`CREATE DATABASE ${template}`);
  await runMigrations(withDatabase(ADMIN_URL, template));
  await admin.end();
  project.provide('adminDatabaseUrl', ADMIN_URL);
  project.provide('templateDatabase', template);
  return async () => {
    const c = new Client({ connectionString: ADMIN_URL });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await c.end();
  };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
