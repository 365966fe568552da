import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { startShardflow } from './bootstrap';
import { ConfigError, loadConfig, type AppConfig } from './config/app-config';

/** One clear line and a non-zero exit: the contract for a configuration that cannot work. */
function die(message: string): never {
  process.stderr.write(`shardflow: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig(process.env, process.argv.slice(2));
  } catch (err) {
    if (err instanceof ConfigError) die(err.message);
    throw err;
  }
  const logger = new Logger('shardflow');
  const shardflow = await startShardflow(config).catch((err: Error) => die(err.message));
  logger.log(`roles: ${config.roles.join(', ')}`);
  if (shardflow.httpUrl) {
    const shown = shardflow.httpUrl.replace('127.0.0.1', config.host === '0.0.0.0' ? 'localhost' : '127.0.0.1');
    logger.log(`GraphQL at ${shown}/graphql, console at ${shown}/`);
  }
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.log(`${signal}: stopping`);
    await shardflow.close().catch((err: Error) => logger.error(err.message));
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

void main();
