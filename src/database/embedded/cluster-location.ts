import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { EmbeddedPostgresLogger } from './logger';
import { findObstacle } from './path-access';
import type { OsUser } from './postgres-user';
import { relocationRoot } from './relocation-root';

export interface ClusterLocation {
  /** Holds pg/ and the state file next to it. */
  baseDir: string;
  /** The PostgreSQL data directory. */
  pgDir: string;
}

/** Written in the data dir when the cluster lives elsewhere, so people (and later starts) find it. */
const POINTER = 'pg.location';

/**
 * `<dataDir>/pg`, unless the postgres user (root case) cannot enter dataDir: then a folder under
 * a relocation root named after dataDir's path, remembered in `<dataDir>/pg.location`.
 */
export function locateCluster(
  dataDir: string,
  user: OsUser | undefined,
  logger: EmbeddedPostgresLogger,
): ClusterLocation {
  fs.mkdirSync(dataDir, { recursive: true });
  const inPlace = { baseDir: dataDir, pgDir: path.join(dataDir, 'pg') };
  if (!user) return inPlace;
  const pointer = path.join(dataDir, POINTER);
  const remembered = readPointer(pointer);
  const obstacle = findObstacle(dataDir, user);
  if (!remembered && (!obstacle || fs.existsSync(path.join(inPlace.pgDir, 'PG_VERSION')))) {
    if (obstacle) throw new Error(`user ${user.name} cannot reach the cluster in ${inPlace.pgDir}: ${obstacle.reason}`);
    return inPlace;
  }
  const baseDir =
    remembered ?? path.join(relocationRoot(user), createHash('sha256').update(dataDir).digest('hex').slice(0, 16));
  if (!remembered) {
    // No pointer means dataDir is new: a cluster left there belonged to an earlier, deleted dataDir.
    fs.rmSync(baseDir, { recursive: true, force: true });
    fs.writeFileSync(pointer, `${baseDir}\n`);
  }
  fs.mkdirSync(baseDir, { recursive: true, mode: 0o755 });
  const location = { baseDir, pgDir: path.join(baseDir, 'pg') };
  const why = obstacle ? `user ${user.name} cannot enter ${dataDir}: ${obstacle.reason}` : `see ${pointer}`;
  logger.log(`embedded PostgreSQL: the cluster lives in ${location.pgDir} (${why})`);
  return location;
}

function readPointer(file: string): string | undefined {
  try {
    const target = fs.readFileSync(file, 'utf8').trim();
    return path.isAbsolute(target) ? target : undefined;
  } catch {
    return undefined;
  }
}
