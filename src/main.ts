import 'reflect-metadata';
import { Logger, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { resolve } from 'node:path';
import { AppModule } from './app.module';
import { ConfigError, loadConfig, type AppConfig } from './config/app-config';
import { startEmbeddedPostgres } from './database/embedded/embedded-postgres';
import { runMigrations } from './database/migrate';

/** One clear line and a non-zero exit: the contract for a configuration that cannot work. */
function die(message: string): never {
  process.stderr.write(`shardflow: ${message}\n`);
  process.exit(1);
}

async function prepareDatabase(config: AppConfig, logger: Logger): Promise<{ url: string | null; stop(): Promise<void> }> {
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

async function bootstrap(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig(process.env, process.argv.slice(2));
  } catch (err) {
    if (err instanceof ConfigError) die(err.message);
    throw err;
  }
  const logger = new Logger('shardflow');
  const database = await prepareDatabase(config, logger).catch((err: Error) => die(err.message));
  const module = AppModule.forRoles({ config, databaseUrl: database.url });
  let app: INestApplicationContext;
  try {
    if (config.roles.includes('api')) {
      const http = await NestFactory.create(module, { bufferLogs: false });
      await http.listen(config.port, config.host);
      app = http;
      const shown = config.host === '0.0.0.0' ? 'localhost' : config.host;
      logger.log(`roles: ${config.roles.join(', ')}`);
      logger.log(`GraphQL at http://${shown}:${config.port}/graphql, console at http://${shown}:${config.port}/`);
    } else {
      app = await NestFactory.createApplicationContext(module);
      await app.init();
      logger.log(`roles: ${config.roles.join(', ')}`);
    }
  } catch (err) {
    await database.stop();
    die((err as Error).message);
  }
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.log(`${signal}: stopping`);
    await app.close().catch((err: Error) => logger.error(err.message));
    await database.stop().catch((err: Error) => logger.error(err.message));
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

void bootstrap();
