import pg from 'pg';

const DUPLICATE_DATABASE = '42P04';

export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount) return;
    await client.query(`create database ${client.escapeIdentifier(database)}`);
  } catch (err) {
    if (!(err instanceof Error && 'code' in err && err.code === DUPLICATE_DATABASE)) throw err;
  } finally {
    await client.end();
  }
}

export function postgresUrl(password: string, port: number, database: string): string {
  return `postgres://postgres:${password}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}
