import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { EmbeddedPostgresLogger } from './logger';
import { canUse } from './path-access';
import { binariesIn, type PostgresBinaries } from './postgres-binaries';
import type { OsUser } from './postgres-user';
import { relocationRoot } from './relocation-root';

/**
 * The binaries as `user` can run them: the originals, or a copy in a relocation root when node_modules sits
 * somewhere that user cannot enter (a checkout under /root or a 0700 temp folder).
 */
export function reachableBinaries(
  binaries: PostgresBinaries,
  user: OsUser,
  logger: EmbeddedPostgresLogger,
): PostgresBinaries {
  if (usableBy(binaries, user)) return binaries;
  const target = path.join(relocationRoot(user), `pg-binaries-${versionKey(binaries)}`);
  if (!fs.existsSync(path.join(target, COMPLETE))) copyTree(binaries.nativeDir, target);
  logger.log(
    `embedded PostgreSQL: user ${user.name} cannot reach ${binaries.nativeDir}; running the copy in ${target}`,
  );
  return binariesIn(target);
}

const COMPLETE = '.complete';

function usableBy(binaries: PostgresBinaries, user: OsUser): boolean {
  const needed = [binaries.initdb, binaries.postgres, 'lib', 'share'].map((p) => path.resolve(binaries.nativeDir, p));
  return needed.every((p) => canUse(p, user));
}

/** A reinstall of another version gets its own copy instead of reusing a stale one. */
function versionKey(binaries: PostgresBinaries): string {
  const stat = fs.statSync(binaries.postgres);
  const identity = `${fs.realpathSync(binaries.nativeDir)}:${stat.size}:${stat.mtimeMs}`;
  return createHash('sha256').update(identity).digest('hex').slice(0, 12);
}

function copyTree(source: string, target: string): void {
  // Copy aside and rename so that a concurrent start never runs a half-copied tree.
  const staging = `${target}.tmp-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.cpSync(source, staging, { recursive: true, verbatimSymlinks: true });
  openUp(staging);
  fs.writeFileSync(path.join(staging, COMPLETE), '');
  try {
    fs.renameSync(staging, target);
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    if (!fs.existsSync(path.join(target, COMPLETE))) throw err;
  }
}

/** Installs made under a restrictive umask would leave the copy as unreadable as the original. */
function openUp(dir: string): void {
  fs.chmodSync(dir, 0o755);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) openUp(full);
    else if (entry.isFile()) {
      const mode = fs.statSync(full).mode & 0o777;
      fs.chmodSync(full, mode | 0o444 | (mode & 0o100 ? 0o111 : 0));
    }
  }
}
