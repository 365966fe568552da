import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../src/database/embedded/embedded-postgres';
import { binariesIn, loadPostgresBinaries } from '../../src/database/embedded/postgres-binaries';
import { resolvePostgresUser } from '../../src/database/embedded/postgres-user';
import { reachableBinaries } from '../../src/database/embedded/reachable-binaries';
import { Cleanup, isRoot, query, quiet, recordingLogger } from './helpers';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

// PostgreSQL refuses root, so these paths only exist when the tests run as root (CI, Docker, here).
describe.runIf(isRoot)('startEmbeddedPostgres as root', () => {
  it('keeps the cluster where the postgres user can reach it when the data dir sits under a 0700 folder', async () => {
    const privateDir = cleanup.tempDir('private');
    expect(fs.statSync(privateDir).mode & 0o777).toBe(0o700);
    const dataDir = path.join(privateDir, 'checkout', '.shardflow');
    const logger = recordingLogger();

    const db = cleanup.server(await startEmbeddedPostgres({ dataDir, logger }));
    const baseDir = path.dirname(db.dataDir);
    cleanup.path(baseDir);
    expect(db.dataDir.startsWith(privateDir)).toBe(false);
    expect(fs.readFileSync(path.join(dataDir, 'pg.location'), 'utf8').trim()).toBe(baseDir);
    expect(logger.lines.filter((l) => l.includes(`lives in ${db.dataDir}`) && l.includes(privateDir))).toHaveLength(1);
    expect(fs.statSync(db.dataDir).uid).not.toBe(0);
    await query(db.url, "create table kept (v text); insert into kept values ('relocated')");
    await db.stop();

    const again = cleanup.server(await startEmbeddedPostgres({ dataDir, logger: quiet }));
    expect(again.dataDir).toBe(db.dataDir);
    expect(await query(again.url, 'select v from kept')).toEqual([{ v: 'relocated' }]);
  });

  it('runs a copy of the binaries when node_modules is out of the postgres user’s reach', async () => {
    const user = await resolvePostgresUser(quiet);
    if (!user) throw new Error('as root there must be a user to run PostgreSQL as');
    const hidden = path.join(cleanup.tempDir('private'), 'native');
    fs.cpSync((await loadPostgresBinaries()).nativeDir, hidden, { recursive: true, verbatimSymlinks: true });

    const usable = reachableBinaries(binariesIn(hidden), user, quiet);
    cleanup.path(usable.nativeDir);
    expect(usable.nativeDir.startsWith(hidden)).toBe(false);
    // A real initdb proves the copy finds its libraries and share files as that user.
    const pgDir = path.join(cleanup.tempDir('open'), 'pg');
    fs.mkdirSync(pgDir, { mode: 0o700 });
    fs.chownSync(pgDir, user.uid, user.gid);
    const asUser = { uid: user.uid, gid: user.gid, cwd: '/', encoding: 'utf8' } as const;
    execFileSync(usable.initdb, ['-D', pgDir, '-U', 'postgres', '--auth=trust', '--no-sync'], asUser);
    expect(fs.readFileSync(path.join(pgDir, 'PG_VERSION'), 'utf8').trim()).toBe('18');
  });
});
