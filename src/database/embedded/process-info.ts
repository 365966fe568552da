import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

export interface ProcessInfo {
  ppid: number;
  /** argv as the process sees it (Linux), or its command line split on spaces elsewhere. */
  argv: string[];
}

/** A live process's parent and arguments; undefined when it is gone or a zombie. */
export function readProcess(pid: number): ProcessInfo | undefined {
  return fs.existsSync('/proc/self/stat') ? fromProc(pid) : fromPs(pid);
}

function fromProc(pid: number): ProcessInfo | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields resume after the last ')'.
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (state === 'Z' || state === 'X') return undefined;
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    return { ppid: Number(ppid), argv };
  } catch {
    return undefined;
  }
}

function fromPs(pid: number): ProcessInfo | undefined {
  try {
    const line = execFileSync('ps', ['-o', 'ppid=,stat=,command=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    const [ppid, state, ...argv] = line.split(/\s+/);
    if (!ppid || state?.startsWith('Z')) return undefined;
    return { ppid: Number(ppid), argv };
  } catch {
    return undefined;
  }
}

export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (readProcess(pid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

export function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone: exactly what the caller wants.
  }
}
