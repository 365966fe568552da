import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describeError } from './errors';
import { spawnOptions, type RunContext } from './run-context';

/** Creates the cluster in ctx.pgDir with `postgres` as its superuser, guarded by `password`. */
export async function initCluster(ctx: RunContext, password: string): Promise<void> {
  fs.mkdirSync(ctx.pgDir, { recursive: true, mode: 0o700 });
  // initdb runs as the postgres user, so it must own the folder and read the password file.
  if (ctx.user) fs.chownSync(ctx.pgDir, ctx.user.uid, ctx.user.gid);
  const pwfile = path.join(ctx.baseDir, `.pwfile-${randomBytes(6).toString('hex')}`);
  fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (ctx.user) fs.chownSync(pwfile, ctx.user.uid, ctx.user.gid);
  try {
    const args = [
      `--pgdata=${ctx.pgDir}`,
      '--username=postgres',
      `--pwfile=${pwfile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C',
      '--no-instructions',
    ];
    const outcome = await runToEnd(ctx, args);
    if (outcome !== 0) {
      throw new Error(`initdb failed (${outcome}) in ${ctx.pgDir}: ${ctx.log.tail()}`);
    }
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
}

function runToEnd(ctx: RunContext, args: string[]): Promise<number | string> {
  return new Promise((resolve) => {
    const child = spawn(ctx.binaries.initdb, args, spawnOptions(ctx));
    child.once('error', (err) => resolve(`cannot run ${ctx.binaries.initdb}: ${describeError(err)}`));
    child.once('exit', (code, sig) => resolve(code === 0 ? 0 : `exit code ${code ?? sig}`));
  });
}
