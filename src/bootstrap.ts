import { Logger, type INestApplicationContext, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { TaskHandler } from '../libs/worker-sdk/handler';
import { AppModule } from './app.module';
import type { Clock } from './clock/clock.port';
import type { AppConfig } from './config/app-config';
import { startEmbeddedPostgres } from './database/embedded/embedded-postgres';
import { runMigrations } from './database/migrate';

export interface Shardflow {
  app: INestApplicationContext;
  /** The api's base URL (`http://host:port`), when the api role runs. */
  httpUrl: string | null;
  databaseUrl: string | null;
  close(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  handlers?: TaskHandler[];
  logger?: LoggerService | false;
}

/**
 * Starts the configured roles in this process: the embedded database when no DATABASE_URL is
 * given, migrations, then the role modules. Used by main.ts and by tests alike.
 */
export async function startShardflow(config: AppConfig, options: StartOptions = {}): Promise<Shardflow> {
  const logger = new Logger('shardflow');
  const database = await prepareDatabase(config, logger);
  const module = AppModule.forRoles({
    config,
    databaseUrl: database.url,
    clock: options.clock,
    handlers: options.handlers,
  });
  const nestLogger = options.logger === undefined ? undefined : options.logger;
  try {
    let app: INestApplicationContext;
    let httpUrl: string | null = null;
    if (config.roles.includes('api')) {
      const http = await NestFactory.create(module, { logger: nestLogger, abortOnError: false });
      await http.listen(config.port, config.host);
      const address = http.getHttpServer().address() as AddressInfo;
      httpUrl = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${address.port}`;
      app = http;
    } else {
      app = await NestFactory.createApplicationContext(module, { logger: nestLogger, abortOnError: false });
      await app.init();
    }
    return {
      app,
      httpUrl,
      databaseUrl: database.url,
      close: async () => {
        await app.close();
        await database.stop();
      },
    };
  } catch (err) {
    await database.stop();
    throw err;
  }
}

async function prepareDatabase(
  config: AppConfig,
  logger: Logger,
): Promise<{ url: string | null; stop(): Promise<void> }> {
  if (!config.roles.includes('api') && !config.roles.includes('planner')) return { url: null, stop: async () => {} };
  let url = config.databaseUrl;
  let stop = async () => {};
  if (!url) {
    const embedded = await startEmbeddedPostgres({ dataDir: resolve(config.dataDir), logger });
    url = embedded.url;
    stop = () => embedded.stop();
    logger.log(`embedded PostgreSQL ready (data in ${embedded.dataDir})`);
  }
  try {
    const applied = await runMigrations(url);
    if (applied.length) logger.log(`applied migrations: ${applied.join(', ')}`);
  } catch (err) {
    await stop();
    throw new Error(`database ${redact(url)} is not usable: ${(err as Error).message}`);
  }
  return { url, stop };
}

function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
