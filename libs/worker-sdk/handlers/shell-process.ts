import { spawn } from 'node:child_process';
import { abortError, HandlerError } from '../handler';
import { lastLines, lastNonEmptyLine, OutputTail } from './output-tail';

/** Captured per stream; the last stdout line is the output, so it can be this long at most. */
const CAPTURE_BYTES = 64 * 1024;
const STDERR_LINES = 20;
const STDERR_CHARS = 2000;
/** Time a command gets after SIGTERM to clean up before its process group gets SIGKILL. */
export const KILL_GRACE_MS = 2000;

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    // A negative pid addresses the whole process group, so children of the shell die too.
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/**
 * Runs `command` with `/bin/sh -c` in its own process group and resolves with the last
 * non-empty line of its stdout (null when none) on exit 0. On abort the group gets SIGTERM,
 * then SIGKILL after `killGraceMs`, and the promise rejects at once.
 */
export function runShell(
  command: string,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
  killGraceMs = KILL_GRACE_MS,
): Promise<string | null> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(abortError(signal));
      return;
    }
    const child = spawn('/bin/sh', ['-c', command], { detached: true, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout = new OutputTail(CAPTURE_BYTES);
    const stderr = new OutputTail(CAPTURE_BYTES);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));

    const onAbort = (): void => {
      const pid = child.pid;
      if (pid !== undefined) {
        signalGroup(pid, 'SIGTERM');
        // Not unref'd: a worker that is shutting down must still kill what ignored SIGTERM.
        setTimeout(() => signalGroup(pid, 'SIGKILL'), killGraceMs);
      }
      reject(abortError(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });

    child.once('error', (err) => {
      signal.removeEventListener('abort', onAbort);
      reject(new HandlerError(`could not run /bin/sh: ${err.message}`, { cause: err }));
    });
    child.once('close', (code, killedBy) => {
      signal.removeEventListener('abort', onAbort);
      if (signal.aborted) return;
      if (code === 0) {
        resolve(lastNonEmptyLine(stdout.text()));
        return;
      }
      const end = lastLines(stderr.text(), STDERR_LINES, STDERR_CHARS);
      const what = code === null ? `killed by ${killedBy ?? 'a signal'}` : `exit code ${code}`;
      reject(new HandlerError(end === '' ? what : `${what}: ${end}`));
    });
  });
}
