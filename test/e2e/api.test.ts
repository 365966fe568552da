/**
 * The GraphQL API on its own (api role only, real PostgreSQL): validation, versions, lookups,
 * errors. No planner runs here, so triggered runs stay QUEUED — which is what lets these tests
 * see the api's side of every request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShardflow, type Shardflow } from '../../src/bootstrap';
import { loadConfig } from '../../src/config/app-config';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { ShardflowApi } from '../support/shardflow-api';

let db: TestDatabase;
let shardflow: Shardflow;
let api: ShardflowApi;

beforeAll(async () => {
  db = await createTestDatabase();
  const config = { ...loadConfig({ DATABASE_URL: db.url, PORT: '0' }, []), roles: ['api' as const] };
  shardflow = await startShardflow(config, { logger: false });
  api = new ShardflowApi(shardflow.httpUrl as string);
});

afterAll(async () => {
  await shardflow?.close();
  await db?.drop();
});

const step = (key: string, extra: Record<string, unknown> = {}) => ({ key, handler: 'noop', ...extra });
const CREATE = `mutation($input: JobInput!) { createJob(input: $input) { name version } }`;

async function counts() {
  const [row] = await db.query<{ jobs: string; versions: string; runs: string }>(
    `SELECT (SELECT count(*) FROM jobs) AS jobs, (SELECT count(*) FROM job_versions) AS versions, (SELECT count(*) FROM runs) AS runs`,
  );
  return row;
}

describe('createJob', () => {
  it('stores a job with the contract defaults', async () => {
    const { createJob } = await api.request<{ createJob: Record<string, unknown> }>(
      `mutation($input: JobInput!) { createJob(input: $input) {
        name description schedule timezone paused version concurrencyPolicy misfirePolicy maxActiveRuns
        steps { key handler dependsOn shards shardParams params queue retries retryBackoffMs timeoutMs triggerRule } } }`,
      { input: { name: 'defaults', steps: [step('only')] } },
    );
    expect(createJob).toEqual({
      name: 'defaults',
      description: null,
      schedule: null,
      timezone: 'UTC',
      paused: false,
      version: 1,
      concurrencyPolicy: 'ALLOW',
      misfirePolicy: 'FIRE_ONCE',
      maxActiveRuns: null,
      steps: [
        {
          key: 'only',
          handler: 'noop',
          dependsOn: [],
          shards: 1,
          shardParams: null,
          params: null,
          queue: 'default',
          retries: 0,
          retryBackoffMs: 1000,
          timeoutMs: null,
          triggerRule: 'ALL_SUCCESS',
        },
      ],
    });
  });

  const big = { blob: 'x'.repeat(70_000) };
  it.each([
    [
      'a cycle',
      { steps: [step('a', { dependsOn: ['b'] }), step('b', { dependsOn: ['a'] })] },
      /^steps\[\d\]\.dependsOn: .*cycle/,
    ],
    [
      'an unknown dependency',
      { steps: [step('a'), step('b', { dependsOn: ['lod'] })] },
      /^steps\[1\]\.dependsOn: unknown step "lod"/,
    ],
    ['a duplicate step key', { steps: [step('a'), step('a')] }, /^steps\[1\]\.key: /],
    ['no steps', { steps: [] }, /^steps: /],
    ['a bad name', { name: 'Bad Name!' }, /^name: /],
    ['a bad cron', { schedule: '61 * * * *' }, /^schedule: /],
    ['a cron of 7 fields', { schedule: '0 0 0 * * * *' }, /^schedule: /],
    ['a bad timezone', { schedule: '0 * * * *', timezone: 'Mars/Olympus' }, /^timezone: /],
    ['zero shards', { steps: [step('a', { shards: 0 })] }, /^steps\[0\]\.shards: /],
    ['too many shards', { steps: [step('a', { shards: 100_001 })] }, /^steps\[0\]\.shards: /],
    [
      'shardParams of the wrong length',
      { steps: [step('a', { shards: 3, shardParams: ['x', 'y'] })] },
      /^steps\[0\]\.shardParams: /,
    ],
    ['negative retries', { steps: [step('a', { retries: -1 })] }, /^steps\[0\]\.retries: /],
    ['job params over 64 KiB', { params: big }, /^params: /],
    ['step params over 64 KiB', { steps: [step('a', { params: big })] }, /^steps\[0\]\.params: /],
    ['params that are not an object', { params: [1, 2] }, /^params: /],
    ['a bad step key', { steps: [step('Has Space')] }, /^steps\[0\]\.key: /],
    ['a bad queue', { steps: [step('a', { queue: 'a.b' })] }, /^steps\[0\]\.queue: /],
  ])('refuses %s, naming the field, storing nothing', async (_what, patch, message) => {
    const before = await counts();
    const result = await api.raw(CREATE, { input: { name: 'refused', steps: [step('a')], ...patch } });
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0].message).toMatch(message);
    expect(await counts()).toEqual(before);
  });

  it('refuses a second job of the same name', async () => {
    await api.request(CREATE, { input: { name: 'twice', steps: [step('a')] } });
    const again = await api.raw(CREATE, { input: { name: 'twice', steps: [step('a')] } });
    expect(again.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(again.errors?.[0].message).toMatch(/^name: .*already exists/);
  });
});

describe('updateJob and versions', () => {
  const UPDATE = `mutation($name: String!, $input: JobInput!) { updateJob(name: $name, input: $input) { version steps { key } } }`;

  it('makes version n+1 while runs keep the version they began with', async () => {
    await api.request(CREATE, { input: { name: 'versioned', steps: [step('a')] } });
    const runId = await api.trigger('versioned');
    const { updateJob } = await api.request<{ updateJob: { version: number; steps: Array<{ key: string }> } }>(UPDATE, {
      name: 'versioned',
      input: { name: 'versioned', steps: [step('a'), step('b', { dependsOn: ['a'] })] },
    });
    expect(updateJob).toEqual({ version: 2, steps: [{ key: 'a' }, { key: 'b' }] });
    const run = await api.run(runId, 'jobVersion status steps { key }');
    expect(run.jobVersion).toBe(1);
    expect(run.steps.map((s) => s.key)).toEqual(['a']);
    const next = await api.run(await api.trigger('versioned'), 'jobVersion');
    expect(next.jobVersion).toBe(2);
  });

  it('leaves the stored version unchanged when an update is refused', async () => {
    await api.request(CREATE, { input: { name: 'stable', steps: [step('a')] } });
    const refused = await api.raw(UPDATE, {
      name: 'stable',
      input: { name: 'stable', steps: [step('a', { shards: 0 })] },
    });
    expect(refused.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const { job } = await api.request<{ job: { version: number; steps: Array<{ shards: number }> } }>(
      `{ job(name: "stable") { version steps { shards } } }`,
    );
    expect(job).toEqual({ version: 1, steps: [{ shards: 1 }] });
  });

  it('refuses to rename a job, and answers NOT_FOUND for a job that does not exist', async () => {
    await api.request(CREATE, { input: { name: 'named', steps: [step('a')] } });
    const rename = await api.raw(UPDATE, { name: 'named', input: { name: 'renamed', steps: [step('a')] } });
    expect(rename.errors?.[0].message).toMatch(/^name: /);
    const missing = await api.raw(UPDATE, { name: 'ghost', input: { name: 'ghost', steps: [step('a')] } });
    expect(missing.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });
});

describe('lookups and requests', () => {
  it('answers null for a job or run that does not exist, NOT_FOUND for a mutation naming one', async () => {
    const data = await api.request<{ job: null; run: null; bad: null }>(
      `{ job(name: "nope") { name } run(id: "00000000-0000-0000-0000-000000000000") { id } bad: run(id: "not-a-uuid") { id } }`,
    );
    expect(data).toEqual({ job: null, run: null, bad: null });
    for (const mutation of [
      `mutation { triggerJob(name: "nope") { id } }`,
      `mutation { cancelRun(id: "00000000-0000-0000-0000-000000000000") { id } }`,
      `mutation { retryRun(id: "00000000-0000-0000-0000-000000000000") { id } }`,
      `mutation { deleteJob(name: "nope") }`,
    ]) {
      expect((await api.raw(mutation)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    }
  });

  it('queues a triggered run with merged params and scheduledAt, and lists it', async () => {
    await api.request(CREATE, { input: { name: 'params', params: { a: 1, b: 1 }, steps: [step('a')] } });
    const runId = await api.trigger('params', { b: 2, c: 3 });
    const run = await api.run(runId, 'id status trigger scheduledAt params');
    expect(run).toMatchObject({ status: 'QUEUED', trigger: 'MANUAL' });
    expect(run.params).toEqual({ a: 1, b: 2, c: 3, scheduledAt: run.scheduledAt });
    const { runs } = await api.request<{ runs: Array<{ id: string }> }>(
      `{ runs(jobName: "params", status: QUEUED) { id } }`,
    );
    expect(runs.map((r) => r.id)).toEqual([runId]);
    const refused = await api.raw(`mutation { triggerJob(name: "params", params: [1]) { id } }`);
    expect(refused.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(refused.errors?.[0].message).toMatch(/^params: /);
  });

  it('refuses to retry a run that has not finished', async () => {
    await api.request(CREATE, { input: { name: 'unfinished', steps: [step('a')] } });
    const runId = await api.trigger('unfinished');
    const result = await api.raw(`mutation($id: ID!) { retryRun(id: $id) { id } }`, { id: runId });
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('records a cancel request on a queued run and answers with the run as it stands', async () => {
    await api.request(CREATE, { input: { name: 'cancellable', steps: [step('a')] } });
    const runId = await api.trigger('cancellable');
    const { cancelRun } = await api.request<{ cancelRun: { status: string; cancelRequestedAt: string } }>(
      `mutation($id: ID!) { cancelRun(id: $id) { status cancelRequestedAt } }`,
      { id: runId },
    );
    expect(cancelRun.status).toBe('QUEUED');
    expect(cancelRun.cancelRequestedAt).toBeTruthy();
  });

  it('deletes a job: it is gone, its runs stay readable, its name can be used again', async () => {
    await api.request(CREATE, { input: { name: 'doomed', steps: [step('a')] } });
    const runId = await api.trigger('doomed');
    expect((await api.request<{ deleteJob: boolean }>(`mutation { deleteJob(name: "doomed") }`)).deleteJob).toBe(true);
    expect((await api.request<{ job: null }>(`{ job(name: "doomed") { name } }`)).job).toBeNull();
    expect((await api.run(runId, 'id jobName')).id).toBe(runId);
    const again = await api.request<{ createJob: { version: number } }>(CREATE, {
      input: { name: 'doomed', steps: [step('b')] },
    });
    expect(again.createJob.version).toBe(1);
  });

  it('lists jobs with their runs and stats without a query per job', async () => {
    const { jobs } = await api.request<{ jobs: Array<{ name: string; runs: unknown[]; stats: { runs: number } }> }>(
      `{ jobs { name runs(limit: 5) { id } stats { runs succeeded failed successRate avgDurationMs p95DurationMs } } }`,
    );
    const params = jobs.find((j) => j.name === 'params');
    expect(params?.runs).toHaveLength(1);
    expect(params?.stats.runs).toBe(1);
  });
});
