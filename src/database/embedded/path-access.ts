import fs from 'node:fs';
import path from 'node:path';
import type { OsUser } from './postgres-user';

const READ = 0o4;
const EXECUTE = 0o1;

export interface Obstacle {
  dir: string;
  reason: string;
}

/**
 * Whether `user` may read and/or execute (search) an entry, from its mode bits alone: when libuv switches
 * to another uid it drops supplementary groups, so only owner, primary group and others count.
 */
export function permits(stat: fs.Stats, user: OsUser, bits: number): boolean {
  const shift = stat.uid === user.uid ? 6 : stat.gid === user.gid ? 3 : 0;
  return ((stat.mode >> shift) & bits) === bits;
}

/** The first folder on the way to `target` (itself included) that `user` cannot enter, if any. */
export function findObstacle(target: string, user: OsUser): Obstacle | undefined {
  const absolute = path.resolve(target);
  // A symlinked component is entered through both its own path and its target's.
  const paths = new Set([absolute, realpathOr(absolute)]);
  for (const candidate of paths) {
    for (const dir of ancestorsAndSelf(candidate)) {
      const stat = fs.statSync(dir);
      if (!permits(stat, user, EXECUTE)) {
        const mode = (stat.mode & 0o7777).toString(8).padStart(4, '0');
        return { dir, reason: `${dir} is mode ${mode}, owner uid ${stat.uid}` };
      }
    }
  }
  return undefined;
}

/** Whether `user` can run the file, or list and enter the folder, at `target` (and reach it). */
export function canUse(target: string, user: OsUser): boolean {
  if (findObstacle(path.dirname(target), user)) return false;
  const stat = fs.statSync(target);
  return permits(stat, user, stat.isDirectory() ? READ | EXECUTE : EXECUTE);
}

function ancestorsAndSelf(dir: string): string[] {
  const chain: string[] = [];
  for (let current = dir; ; current = path.dirname(current)) {
    chain.unshift(current);
    if (path.dirname(current) === current) return chain;
  }
}

function realpathOr(target: string): string {
  try {
    return fs.realpathSync(target);
  } catch {
    return target;
  }
}
