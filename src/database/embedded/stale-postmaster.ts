import fs from 'node:fs';
import path from 'node:path';
import type { EmbeddedPostgresLogger } from './logger';
import { readProcess, signal, waitForExit } from './process-info';

/**
 * Clears what a killed owner left behind, since postgres refuses to start while `postmaster.pid` names a live
 * process: a postmaster orphaned by a SIGKILL is stopped; a pid file naming a dead pid, or one reused by some
 * other program, is removed. A server whose owner still runs is left alone: that is a second start on one dir.
 */
export async function clearStalePostmaster(
  pgDir: string,
  ownerPid: number | undefined,
  logger: EmbeddedPostgresLogger,
): Promise<void> {
  const pidFile = path.join(pgDir, 'postmaster.pid');
  const pid = readPid(pidFile);
  if (pid === undefined) return;
  const postmaster = readProcess(pid);
  if (!postmaster || !isPostgres(postmaster.argv)) {
    fs.rmSync(pidFile, { force: true });
    logger.warn(`embedded PostgreSQL: removed a stale postmaster.pid (pid ${pid} is no PostgreSQL server)`);
    return;
  }
  if (!servesDir(postmaster.argv, pgDir)) {
    // Removing the pid file under a live server we did not start would let two servers share one cluster.
    throw new Error(`${pgDir}/postmaster.pid names a running PostgreSQL (pid ${pid}) that shardflow did not start`);
  }
  if (ownerPid !== undefined && postmaster.ppid === ownerPid && readProcess(ownerPid)) {
    throw new Error(
      `the embedded PostgreSQL in ${pgDir} (pid ${pid}) belongs to running process ${ownerPid}: stop that one, ` +
        'or give this one another SHARDFLOW_DATA_DIR or a DATABASE_URL',
    );
  }
  logger.warn(`embedded PostgreSQL: stopping the orphaned server (pid ${pid}) a killed process left running`);
  await terminate(pid);
  // Gone without its own cleanup (SIGKILL): the file would block the next postmaster.
  fs.rmSync(pidFile, { force: true });
}

/** Fast shutdown (rolls back open transactions), then immediate, then kill. */
async function terminate(pid: number): Promise<void> {
  for (const [sig, waitMs] of [
    ['SIGINT', 15_000],
    ['SIGQUIT', 5_000],
    ['SIGKILL', 5_000],
  ] as const) {
    signal(pid, sig);
    if (await waitForExit(pid, waitMs)) return;
  }
  throw new Error(`cannot stop the orphaned PostgreSQL server (pid ${pid}) that holds its data dir`);
}

function readPid(pidFile: string): number | undefined {
  let first: string;
  try {
    first = fs.readFileSync(pidFile, 'utf8').split('\n')[0];
  } catch {
    return undefined;
  }
  const pid = Number.parseInt(first, 10);
  if (Number.isInteger(pid) && pid > 0) return pid;
  // Torn or empty: postgres itself would refuse to start over it.
  fs.rmSync(pidFile, { force: true });
  return undefined;
}

function isPostgres(argv: string[]): boolean {
  return argv[0] !== undefined && path.basename(argv[0]) === 'postgres';
}

function servesDir(argv: string[], pgDir: string): boolean {
  return argv.some((arg) => path.isAbsolute(arg) && path.resolve(arg) === pgDir);
}
