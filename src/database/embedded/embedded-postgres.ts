import fs from 'node:fs';
import path from 'node:path';
import { locateCluster } from './cluster-location';
import { newPassword, readState, writeState, type ClusterState } from './cluster-state';
import { ensureDatabase, postgresUrl } from './ensure-database';
import { describeError } from './errors';
import { choosePort } from './free-port';
import { initCluster } from './initdb';
import { consoleLogger, type EmbeddedPostgresLogger } from './logger';
import { Postmaster } from './postmaster';
import { reachableBinaries } from './reachable-binaries';
import { loadPostgresBinaries } from './postgres-binaries';
import { PostgresLog } from './postgres-log';
import { resolvePostgresUser } from './postgres-user';
import type { RunContext } from './run-context';
import { clearStalePostmaster } from './stale-postmaster';

export type { EmbeddedPostgresLogger } from './logger';

export interface EmbeddedPostgresOptions {
  /** shardflow's data dir: the cluster goes in `<dataDir>/pg` (or elsewhere, said in the log, as root). */
  dataDir: string;
  /** Created when missing. Default `shardflow`. */
  database?: string;
  logger?: EmbeddedPostgresLogger;
}

export interface EmbeddedPostgres {
  /** `postgres://postgres:…@127.0.0.1:<port>/<database>` */
  url: string;
  /** The PostgreSQL data directory actually used. */
  dataDir: string;
  /** Fast shutdown; safe to call more than once. */
  stop(): Promise<void>;
}

/** A port taken between our probe and the server's bind is worth another port, not a failure. */
const PORT_ATTEMPTS = 3;

/**
 * Runs a private PostgreSQL 18 (binaries from npm) on a free loopback port: initdb on first use, the
 * same cluster and, when free, the same port afterwards. Installs no signal handlers: the caller stops it.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const logger = options.logger ?? consoleLogger;
  const database = options.database ?? 'shardflow';
  const dataDir = path.resolve(options.dataDir);
  const user = await resolvePostgresUser(logger);
  const { baseDir, pgDir } = locateCluster(dataDir, user, logger);
  const found = await loadPostgresBinaries();
  const binaries = user ? reachableBinaries(found, user, logger) : found;
  const log = PostgresLog.open(path.join(dataDir, 'pg.log'));
  const ctx: RunContext = { binaries, user, baseDir, pgDir, log };
  try {
    const server = await bringUp(ctx, logger);
    const url = postgresUrl(server.state.password, server.port, database);
    try {
      await ensureDatabase(postgresUrl(server.state.password, server.port, 'postgres'), database);
    } catch (err) {
      await server.postmaster.stop();
      throw new Error(`embedded PostgreSQL started but cannot create database "${database}": ${describeError(err)}`);
    }
    let stopping: Promise<void> | undefined;
    const stop = () => (stopping ??= server.postmaster.stop().finally(() => log.close()));
    return { url, dataDir: pgDir, stop };
  } catch (err) {
    log.close();
    throw err;
  }
}

async function bringUp(
  ctx: RunContext,
  logger: EmbeddedPostgresLogger,
): Promise<{ postmaster: Postmaster; port: number; state: ClusterState }> {
  const initialised = fs.existsSync(path.join(ctx.pgDir, 'PG_VERSION'));
  let state = readState(ctx.baseDir);
  if (initialised && !state) {
    throw new Error(
      `the embedded cluster in ${ctx.pgDir} has lost its credentials (${ctx.baseDir}/pg.json); delete ${ctx.pgDir} to start afresh`,
    );
  }
  // Saved before initdb so that a crash after it never leaves a cluster nobody can log in to.
  state ??= { password: newPassword() };
  writeState(ctx.baseDir, state);
  if (!initialised) {
    const started = Date.now();
    await initCluster(ctx, state.password);
    logger.log(`embedded PostgreSQL: created a cluster in ${ctx.pgDir} (${Date.now() - started} ms)`);
  }
  await clearStalePostmaster(ctx.pgDir, state.ownerPid, logger);
  for (let attempt = 1; ; attempt++) {
    const port = await choosePort(attempt === 1 ? state.port : undefined);
    state = { ...state, port, ownerPid: process.pid };
    writeState(ctx.baseDir, state);
    const postmaster = Postmaster.spawn(ctx, port);
    try {
      await postmaster.ready();
      return { postmaster, port, state };
    } catch (err) {
      if (attempt >= PORT_ATTEMPTS || !/could not bind|address already in use/i.test(describeError(err))) throw err;
      logger.warn(`embedded PostgreSQL: port ${port} was taken meanwhile; trying another`);
    }
  }
}
