import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findObstacle } from './path-access';
import type { OsUser } from './postgres-user';

/**
 * Where clusters and binaries go when the postgres user cannot reach the originals. /var/lib survives
 * reboots; the temporary folders are fallbacks for read-only or unusual systems.
 */
export function relocationRoot(user: OsUser): string {
  const candidates = [...new Set(['/var/lib/shardflow', path.join(os.tmpdir(), 'shardflow'), '/tmp/shardflow'])];
  for (const root of candidates) {
    if (usable(root, user)) return root;
  }
  throw new Error(`PostgreSQL cannot run as root and user ${user.name} can reach none of ${candidates.join(', ')}`);
}

function usable(root: string, user: OsUser): boolean {
  try {
    fs.mkdirSync(root, { recursive: true, mode: 0o755 });
    // A folder someone else made in a shared temp dir could be swapped for a symlink under us.
    const stat = fs.lstatSync(root);
    if (!stat.isDirectory() || stat.uid !== process.getuid?.()) return false;
    return findObstacle(root, user) === undefined;
  } catch {
    return false;
  }
}
