import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** What a restart needs to find and reach the cluster again. */
export interface ClusterState {
  password: string;
  port?: number;
  /** The process that last started the server: tells its own live server from an orphan. */
  ownerPid?: number;
}

const FILE = 'pg.json';

export function newPassword(): string {
  return randomBytes(24).toString('hex');
}

export function readState(baseDir: string): ClusterState | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(path.join(baseDir, FILE), 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { password, port, ownerPid } = parsed as Record<string, unknown>;
  if (typeof password !== 'string' || password === '') return undefined;
  return {
    password,
    port: Number.isInteger(port) ? Number(port) : undefined,
    ownerPid: Number.isInteger(ownerPid) ? Number(ownerPid) : undefined,
  };
}

/** Holds the superuser password, hence 0600, written whole so a crash never leaves half a file. */
export function writeState(baseDir: string, state: ClusterState): void {
  const file = path.join(baseDir, FILE);
  const staging = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(staging, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(staging, file);
}
