import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../src/database/embedded/embedded-postgres';
import { Cleanup, portOf, query, quiet, timed } from './helpers';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const PROCESS_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'exit', 'beforeExit', 'message'] as const;
const listenerCounts = () => PROCESS_EVENTS.map((e) => process.listenerCount(e));

describe('startEmbeddedPostgres', () => {
  it('cold starts a cluster, serves queries, stops, and restarts on it with its data', async () => {
    const dataDir = path.join(cleanup.tempDir('open'), '.shardflow');
    const listenersBefore = listenerCounts();

    const [db, coldMs] = await timed(() => startEmbeddedPostgres({ dataDir, logger: quiet }));
    cleanup.server(db);
    expect(db.dataDir).toBe(path.join(dataDir, 'pg'));
    expect(new URL(db.url).hostname).toBe('127.0.0.1');
    expect(portOf(db.url)).not.toBe(5432);
    expect(await query(db.url, 'select 1 as one')).toEqual([{ one: 1 }]);
    expect(await query(db.url, 'select current_database() as name')).toEqual([{ name: 'shardflow' }]);
    await query(db.url, "create table kept (v text); insert into kept values ('survives')");
    expect(listenerCounts()).toEqual(listenersBefore);

    const [, stopMs] = await timed(() => db.stop());
    await expect(query(db.url, 'select 1')).rejects.toThrow();
    await db.stop();

    const [again, warmMs] = await timed(() => startEmbeddedPostgres({ dataDir, logger: quiet }));
    cleanup.server(again);
    expect(again.url).toBe(db.url);
    expect(await query(again.url, 'select v from kept')).toEqual([{ v: 'survives' }]);
    console.log(`embedded PostgreSQL: cold start ${coldMs} ms, stop ${stopMs} ms, warm start ${warmMs} ms`);
  });

  it('creates the database it is asked for, and moves off a remembered port that is now taken', async () => {
    const dataDir = cleanup.tempDir('open');
    const db = await startEmbeddedPostgres({ dataDir, database: 'other-db', logger: quiet });
    await db.stop();

    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(portOf(db.url), '127.0.0.1', resolve));
    cleanup.action(() => blocker.close());
    const again = cleanup.server(await startEmbeddedPostgres({ dataDir, database: 'other-db', logger: quiet }));
    expect(portOf(again.url)).not.toBe(portOf(db.url));
    expect(await query(again.url, 'select current_database() as name')).toEqual([{ name: 'other-db' }]);
  });

  it('fails with one line that quotes the PostgreSQL log when the server cannot start', async () => {
    const dataDir = cleanup.tempDir('open');
    const db = await startEmbeddedPostgres({ dataDir, logger: quiet });
    await db.stop();
    fs.appendFileSync(path.join(db.dataDir, 'postgresql.conf'), '\nthis is = not valid\n');

    const failure = await startEmbeddedPostgres({ dataDir, logger: quiet }).then(
      (unexpected) => cleanup.server(unexpected),
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(Error);
    const message = (failure as Error).message;
    expect(message).toMatch(/^PostgreSQL failed to start \(exit code 1\): .*syntax error.*postgresql\.conf/);
    expect(message).not.toContain('\n');
  });
});
