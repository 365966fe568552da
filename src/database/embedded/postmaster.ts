import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describeError } from './errors';
import { spawnOptions, type RunContext } from './run-context';

const READY_TIMEOUT_MS = 60_000;
/** A fast shutdown writes one checkpoint; a very busy cluster may need a while for it. */
const STOP_STEPS = [
  ['SIGINT', 30_000],
  ['SIGQUIT', 5_000],
  ['SIGKILL', 5_000],
] as const;

/** A server we spawned and own. */
export class Postmaster {
  private readonly exited: Promise<string>;
  private exitReason: string | undefined;

  private constructor(
    private readonly child: ChildProcess,
    private readonly ctx: RunContext,
  ) {
    this.exited = new Promise<string>((resolve) => {
      child.once('error', (err) => resolve(`cannot run ${ctx.binaries.postgres}: ${describeError(err)}`));
      child.once('exit', (code, sig) => resolve(sig ? `killed by ${sig}` : `exit code ${code}`));
    }).then((reason) => (this.exitReason = reason));
  }

  /**
   * Own session (detached): a Ctrl-C in the terminal reaches only the caller, which then stops the
   * server after draining, instead of the server dying under it. Unref'd: it never keeps the caller alive.
   */
  static spawn(ctx: RunContext, port: number): Postmaster {
    const args = ['-D', ctx.pgDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1'];
    // TCP only: no socket lock files in /tmp to go stale or collide.
    args.push('-c', 'unix_socket_directories=');
    const child = spawn(ctx.binaries.postgres, args, { ...spawnOptions(ctx), detached: true });
    child.unref();
    return new Postmaster(child, ctx);
  }

  /** Resolves once postmaster.pid says "ready", as pg_ctl waits; fails if the server exits first. */
  async ready(): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    const pidFile = path.join(this.ctx.pgDir, 'postmaster.pid');
    while (this.exitReason === undefined) {
      if (isReady(pidFile, this.child.pid)) return;
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error(`PostgreSQL did not get ready within ${READY_TIMEOUT_MS / 1000} s: ${this.ctx.log.tail()}`);
      }
      await within(this.exited, 25);
    }
    throw new Error(`PostgreSQL failed to start (${this.exitReason}): ${this.ctx.log.tail()}`);
  }

  async stop(): Promise<void> {
    for (const [sig, waitMs] of STOP_STEPS) {
      if (this.exitReason !== undefined) return;
      this.child.kill(sig);
      await within(this.exited, waitMs);
    }
    if (this.exitReason === undefined) throw new Error(`PostgreSQL (pid ${this.child.pid}) does not stop`);
  }
}

function isReady(pidFile: string, pid: number | undefined): boolean {
  try {
    const lines = fs.readFileSync(pidFile, 'utf8').split('\n');
    // Line 1 is the pid, line 8 the postmaster's status (PostgreSQL's LOCK_FILE_LINE_PM_STATUS).
    return Number(lines[0]) === pid && lines[7]?.trim() === 'ready';
  } catch {
    return false;
  }
}

/** Waits for `promise` at most `ms`, without leaving a timer behind to hold the event loop. */
async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
