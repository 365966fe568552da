import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { EmbeddedPostgres } from '../../src/database/embedded/embedded-postgres';

export const isRoot = process.getuid?.() === 0;

/** Collects what a test made, so afterEach can undo it even when the test failed half-way. */
export class Cleanup {
  private readonly servers: EmbeddedPostgres[] = [];
  private readonly paths: string[] = [];
  private readonly actions: Array<() => void> = [];

  /** mkdtemp's own mode is 0700, which as root sends the cluster elsewhere: `open` makes it 0755. */
  tempDir(mode: 'open' | 'private'): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sf-embedded-'));
    if (mode === 'open') fs.chmodSync(dir, 0o755);
    this.paths.push(dir);
    return dir;
  }

  server(db: EmbeddedPostgres): EmbeddedPostgres {
    this.servers.push(db);
    return db;
  }

  path(p: string): void {
    this.paths.push(p);
  }

  action(fn: () => void): void {
    this.actions.push(fn);
  }

  async run(): Promise<void> {
    for (const fn of this.actions.splice(0)) fn();
    await Promise.all(this.servers.splice(0).map((db) => db.stop()));
    for (const p of this.paths.splice(0)) fs.rmSync(p, { recursive: true, force: true });
  }
}

export async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

export function portOf(url: string): number {
  return Number(new URL(url).port);
}

export const quiet = { log: () => {}, warn: () => {} };

/** Records what the code under test logs, to check the one line it owes the user. */
export function recordingLogger(): { lines: string[]; log(m: string): void; warn(m: string): void } {
  const lines: string[] = [];
  return { lines, log: (m) => lines.push(m), warn: (m) => lines.push(m) };
}

export async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await fn();
  return [result, Math.round(performance.now() - started)];
}
