import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { EmbeddedPostgresLogger } from './logger';
import { describeError } from './errors';

const run = promisify(execFile);

/** The account initdb and the server run as. */
export interface OsUser {
  name: string;
  uid: number;
  gid: number;
}

const NAME = 'postgres';

/**
 * PostgreSQL refuses to run as root, so as root the cluster is owned and run by the `postgres` account,
 * created when missing (slim Docker images have none). Not root: undefined, the server runs as we do.
 */
export async function resolvePostgresUser(logger: EmbeddedPostgresLogger): Promise<OsUser | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const existing = await lookupUser(NAME);
  if (existing) return existing;
  await createSystemUser(NAME);
  const created = await lookupUser(NAME);
  if (!created) throw new Error(`created the system user "${NAME}" for PostgreSQL but cannot look it up`);
  logger.warn(`embedded PostgreSQL: created the system user "${NAME}" (PostgreSQL cannot run as root)`);
  return created;
}

async function lookupUser(name: string): Promise<OsUser | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
    return { name, uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  } catch {
    return undefined;
  }
}

async function createSystemUser(name: string): Promise<void> {
  const attempts: Array<[string, string[]]> = [
    ['useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', name]],
    // BusyBox (Alpine) has no useradd.
    ['adduser', ['-S', '-D', '-H', name]],
  ];
  const failures: string[] = [];
  for (const [command, args] of attempts) {
    try {
      await run(command, args);
      return;
    } catch (err) {
      failures.push(`${command}: ${describeError(err).split('\n')[0]}`);
    }
  }
  throw new Error(
    `PostgreSQL cannot run as root and there is no "${name}" user to run it as; creating one failed (${failures.join('; ')})`,
  );
}
