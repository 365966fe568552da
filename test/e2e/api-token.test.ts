/** SHARDFLOW_API_TOKEN: every GraphQL operation needs it; health endpoints stay open. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShardflow, type Shardflow } from '../../src/bootstrap';
import { loadConfig } from '../../src/config/app-config';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { GraphQLClient } from '../support/graphql-client';

let db: TestDatabase;
let shardflow: Shardflow;
const TOKEN = 's3cret-token';

beforeAll(async () => {
  db = await createTestDatabase();
  const config = loadConfig({ DATABASE_URL: db.url, PORT: '0', SHARDFLOW_API_TOKEN: TOKEN }, []);
  shardflow = await startShardflow({ ...config, roles: ['api'] }, { logger: false });
});

afterAll(async () => {
  await shardflow?.close();
  await db?.drop();
});

describe('API token', () => {
  it('listens on every address when a token is set', () => {
    expect(loadConfig({ SHARDFLOW_API_TOKEN: TOKEN }, []).host).toBe('0.0.0.0');
    expect(loadConfig({}, []).host).toBe('127.0.0.1');
    expect(loadConfig({ SHARDFLOW_API_TOKEN: TOKEN, HOST: '127.0.0.2' }, []).host).toBe('127.0.0.2');
  });

  it.each([
    ['no token', undefined],
    ['a wrong token', 'nope'],
  ])('answers UNAUTHENTICATED with %s, for queries and mutations alike', async (_what, token) => {
    const client = new GraphQLClient(shardflow.httpUrl as string);
    for (const op of ['{ jobs { name } }', 'mutation { deleteJob(name: "x") }']) {
      const result = await client.raw(op, undefined, token);
      expect(result.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      expect(result.data ?? null).toBeNull();
    }
  });

  it('serves operations that carry the token, and keeps /healthz and /readyz open', async () => {
    const client = new GraphQLClient(shardflow.httpUrl as string, TOKEN);
    expect(await client.request('{ jobs { name } }')).toEqual({ jobs: [] });
    expect((await fetch(`${shardflow.httpUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${shardflow.httpUrl}/readyz`)).status).toBe(200);
  });
});
