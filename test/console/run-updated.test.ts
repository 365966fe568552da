/**
 * `runUpdated` over graphql-ws against real PostgreSQL: events come from the NOTIFYs that the
 * api (new runs, cancel requests) and the planner leader (every committed change) send; one
 * LISTEN per api process fans them out; the token guards subscriptions like every operation.
 */
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShardflow, type Shardflow } from '../../src/bootstrap';
import { loadConfig } from '../../src/config/app-config';
import { RunEventsService } from '../../src/runs/run-events.service';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { ShardflowApi } from '../support/shardflow-api';
import { eventually } from '../support/wait';
import { LiveSubscriber } from './live-subscriber';

interface RunEvent {
  id: string;
  jobName: string;
  status: string;
  steps: Array<{ key: string; status: string; shards: number; succeeded: number }>;
}

const RUN_UPDATED = `subscription($id: ID, $jobName: String) {
  runUpdated(id: $id, jobName: $jobName) { id jobName status steps { key status shards succeeded } }
}`;
const pick = (data: Record<string, unknown>) => data.runUpdated as RunEvent;

const job = (name: string, steps: Array<Record<string, unknown>> = [{ key: 'only', handler: 'noop' }]) => ({
  name,
  steps,
});

describe('runUpdated on the api alone (the planner simulated with SQL)', () => {
  let db: TestDatabase;
  let shardflow: Shardflow;
  let api: ShardflowApi;
  let planner: Client;
  const subscribers: Array<LiveSubscriber<RunEvent>> = [];

  const subscribe = async (variables: Record<string, unknown>) => {
    const s = await new LiveSubscriber<RunEvent>(shardflow.httpUrl!).start(RUN_UPDATED, variables, pick);
    subscribers.push(s);
    return s;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = { ...loadConfig({ DATABASE_URL: db.url, PORT: '0' }, []), roles: ['api' as const] };
    shardflow = await startShardflow(config, { logger: false });
    api = new ShardflowApi(shardflow.httpUrl!);
    await api.createJob(job('alpha'));
    await api.createJob(job('beta'));
    planner = new Client({ connectionString: db.url });
    await planner.connect();
  });

  afterAll(async () => {
    for (const s of subscribers) await s.close();
    await planner?.end();
    await shardflow?.close();
    await db?.drop();
  });

  it('tells subscribers of a new run at once, filtered by id, by job name, or not at all', async () => {
    const all = await subscribe({});
    const alpha = await subscribe({ jobName: 'alpha' });
    const beta = await subscribe({ jobName: 'beta' });
    const id = await api.trigger('alpha');
    const byId = await subscribe({ id });

    for (const s of [all, alpha]) {
      expect(await s.waitFor((e) => e.id === id, 'the new run')).toMatchObject({ jobName: 'alpha', status: 'QUEUED' });
    }

    // What the planner leader does after each commit: change the row, then NOTIFY its id.
    await planner.query(`UPDATE runs SET status = 'RUNNING', started_at = now() WHERE id = $1`, [id]);
    await planner.query(`SELECT pg_notify('shardflow_runs', $1)`, [id]);
    for (const s of [all, alpha, byId]) {
      expect(await s.waitFor((e) => e.id === id && e.status === 'RUNNING', 'RUNNING')).toMatchObject({
        steps: [{ key: 'only', shards: 1 }],
      });
    }
    expect(beta.events).toEqual([]);
    expect(byId.events.every((e) => e.id === id)).toBe(true);
  });

  it('sends one event per run for a notification naming many runs, and the cancel request too', async () => {
    const ids = [await api.trigger('beta'), await api.trigger('beta'), await api.trigger('beta')];
    const beta = await subscribe({ jobName: 'beta' });
    await planner.query(`SELECT pg_notify('shardflow_runs', $1)`, [ids.join(',')]);
    await beta.waitFor(() => ids.every((id) => beta.events.some((e) => e.id === id)), 'all three runs');

    await api.request(`mutation($id: ID!) { cancelRun(id: $id) { id } }`, { id: ids[0] });
    const [row] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM runs WHERE cancel_requested_at IS NOT NULL`,
    );
    expect(row.n).toBe(1);
    await beta.waitFor((e) => e.id === ids[0] && beta.events.filter((x) => x.id === ids[0]).length >= 2, 'the cancel');
  });

  it('ignores payloads that are not run ids', async () => {
    const all = await subscribe({});
    await planner.query(`SELECT pg_notify('shardflow_runs', 'x; DROP TABLE runs,,not-a-uuid')`);
    const id = await api.trigger('alpha');
    await all.waitFor((e) => e.id === id, 'the next real event');
    expect(all.errors).toEqual([]);
  });

  it('LISTENs on one connection for the whole api process, and forgets subscribers that leave', async () => {
    const service = shardflow.app.get(RunEventsService);
    expect(service.subscribers).toBeGreaterThanOrEqual(5);
    const listeners = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%shardflow_runs%'`,
    );
    expect(listeners[0].n).toBe(1);
    while (subscribers.length) await subscribers.pop()!.close();
    await eventually(async () => (service.subscribers === 0 ? true : undefined), { what: 'subscribers to leave' });
  });
});

describe('runUpdated with every role in one process', () => {
  let db: TestDatabase;
  let shardflow: Shardflow;

  beforeAll(async () => {
    db = await createTestDatabase();
    shardflow = await startShardflow(loadConfig({ DATABASE_URL: db.url, PORT: '0' }, []), { logger: false });
  });

  afterAll(async () => {
    await shardflow?.close();
    await db?.drop();
  });

  it('follows a sharded run from QUEUED to SUCCEEDED as the planner commits, without polling', async () => {
    const api = new ShardflowApi(shardflow.httpUrl!);
    await api.createJob(
      job('wide', [
        { key: 'split', handler: 'noop', shards: 50 },
        { key: 'join', handler: 'noop', dependsOn: ['split'] },
      ]),
    );
    const live = await new LiveSubscriber<RunEvent>(shardflow.httpUrl!).start(RUN_UPDATED, { jobName: 'wide' }, pick);
    try {
      const id = await api.trigger('wide');
      const done = await live.waitFor((e) => e.id === id && e.status === 'SUCCEEDED', 'SUCCEEDED');
      expect(done.steps).toEqual([
        { key: 'split', status: 'SUCCEEDED', shards: 50, succeeded: 50 },
        { key: 'join', status: 'SUCCEEDED', shards: 1, succeeded: 1 },
      ]);
      const seen = live.events.filter((e) => e.id === id).map((e) => e.status);
      expect(seen[0]).toBe('QUEUED');
      expect(seen).toContain('RUNNING');
      // Shard progress arrives as it happens, never going backwards.
      const progress = live.events.filter((e) => e.id === id).map((e) => e.steps[0].succeeded);
      expect([...progress].sort((a, b) => a - b)).toEqual(progress);
      expect(live.errors).toEqual([]);
    } finally {
      await live.close();
    }
  });
});

describe('runUpdated with SHARDFLOW_API_TOKEN', () => {
  const TOKEN = 'sub-s3cret';
  let db: TestDatabase;
  let shardflow: Shardflow;

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = loadConfig({ DATABASE_URL: db.url, PORT: '0', SHARDFLOW_API_TOKEN: TOKEN, HOST: '127.0.0.1' }, []);
    shardflow = await startShardflow({ ...config, roles: ['api'] }, { logger: false });
    await new ShardflowApi(shardflow.httpUrl!, TOKEN).createJob(job('secret'));
  });

  afterAll(async () => {
    await shardflow?.close();
    await db?.drop();
  });

  it.each([
    ['no token', {}],
    ['a wrong token', { authorization: 'Bearer nope' }],
    ['a token without Bearer', { authorization: TOKEN }],
  ])('closes the connection as UNAUTHENTICATED (4401) with %s', async (_what, params) => {
    const s = new LiveSubscriber<RunEvent>(shardflow.httpUrl!, params);
    await expect(s.start(RUN_UPDATED, {}, pick)).rejects.toThrow(/4401 UNAUTHENTICATED/);
    expect(await s.closed).toEqual({ code: 4401, reason: 'UNAUTHENTICATED: missing or wrong API token' });
    await s.close();
  });

  it.each([['authorization'], ['Authorization']])(
    'serves a subscription whose connectionParams carry %s',
    async (key) => {
      const s = await new LiveSubscriber<RunEvent>(shardflow.httpUrl!, { [key]: `Bearer ${TOKEN}` }).start(
        RUN_UPDATED,
        {},
        pick,
      );
      try {
        const id = await new ShardflowApi(shardflow.httpUrl!, TOKEN).trigger('secret');
        expect(await s.waitFor((e) => e.id === id, 'the run')).toMatchObject({ status: 'QUEUED' });
      } finally {
        await s.close();
      }
    },
  );
});
