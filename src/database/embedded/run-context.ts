import type { SpawnOptions } from 'node:child_process';
import type { PostgresBinaries } from './postgres-binaries';
import type { PostgresLog } from './postgres-log';
import type { OsUser } from './postgres-user';

/** What initdb and the server are spawned with. */
export interface RunContext {
  binaries: PostgresBinaries;
  /** Set when we are root: who runs the binaries and owns the cluster. */
  user?: OsUser;
  baseDir: string;
  pgDir: string;
  log: PostgresLog;
}

export function spawnOptions(ctx: RunContext): SpawnOptions {
  return {
    // A cwd the postgres user cannot enter (a root home) makes the binaries warn or fail.
    cwd: ctx.baseDir,
    stdio: ['ignore', ctx.log.fd, ctx.log.fd],
    // C messages keep the log readable and the same everywhere.
    env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
    ...(ctx.user ? { uid: ctx.user.uid, gid: ctx.user.gid } : {}),
  };
}
