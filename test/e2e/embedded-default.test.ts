/**
 * The embedded default: no DATABASE_URL, no NATS_URL — every role in this one process, an
 * embedded PostgreSQL and the in-process bus, exactly what `npm start` runs.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShardflow, type Shardflow } from '../../src/bootstrap';
import { loadConfig } from '../../src/config/app-config';
import { HttpSink } from '../support/http-sink';
import { ShardflowApi } from '../support/shardflow-api';
import { coreScenarios, type Deployment } from './core-scenarios';

let shardflow: Shardflow;
let deployment: Deployment;
const dataDir = mkdtempSync(join(tmpdir(), 'sf-embedded-'));
// Like a checkout's ./.shardflow: reachable by the postgres user, so the cluster stays inside it.
chmodSync(dataDir, 0o755);

beforeAll(async () => {
  const config = loadConfig({ SHARDFLOW_DATA_DIR: dataDir, PORT: '0', SHARDFLOW_WORKER_TIMEOUT_MS: '2000' }, []);
  expect(config.databaseUrl).toBeNull();
  expect(config.natsUrl).toBeNull();
  shardflow = await startShardflow(config, { logger: false });
  deployment = {
    api: new ShardflowApi(shardflow.httpUrl as string),
    sink: await new HttpSink().start(),
    name: 'embedded',
  };
});

afterAll(async () => {
  await deployment?.sink.stop();
  await shardflow?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('embedded default', () => {
  it('serves health, readiness and a console page on loopback', async () => {
    expect(shardflow.httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${shardflow.httpUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${shardflow.httpUrl}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${shardflow.httpUrl}/`)).text()).toContain('/graphql');
  });
});

coreScenarios(() => deployment);
