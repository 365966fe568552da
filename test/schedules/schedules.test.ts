/**
 * Schedules against real PostgreSQL and NATS with a clock the test controls: on-time fires,
 * misfire policies after an outage, concurrency policies, maxActiveRuns, backfill.
 */
import { DataSource } from 'typeorm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { insertFireRuns } from '../../src/planner/sql/fire-rows.sql';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { HttpSink } from '../support/http-sink';
import { requireNats } from '../support/services';
import { eventually } from '../support/wait';
import { ScheduleHarness } from './schedule-harness';

const HOUR = 3_600_000;
const T0 = new Date('2026-03-01T00:00:00Z');
let db: TestDatabase;
let sink: HttpSink;
let harness: ScheduleHarness;

beforeAll(async () => {
  await requireNats();
  db = await createTestDatabase();
  sink = await new HttpSink().start();
});

afterEach(async () => {
  await harness?.stop();
});

afterAll(async () => {
  await sink?.stop();
  await db?.drop();
});

async function startAt(at: Date): Promise<ScheduleHarness> {
  harness = new ScheduleHarness(db.url, at);
  await harness.start();
  return harness;
}

const hourly = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  schedule: '0 * * * *',
  steps: [{ key: 'a', handler: 'noop' }],
  ...extra,
});

describe('on-time fires', () => {
  it('makes one SCHEDULE run per fire, with scheduledAt and params.scheduledAt the fire time', async () => {
    const h = await startAt(T0);
    await h.api.createJob(hourly('on-time', { params: { region: 'eu' } }));
    const { job } = await h.api.request<{ job: { nextFireAt: string } }>(`{ job(name: "on-time") { nextFireAt } }`);
    expect(job.nextFireAt).toBe('2026-03-01T01:00:00.000Z');

    h.advance(HOUR);
    const first = await h.untilRuns('on-time', 1);
    h.advance(HOUR);
    const both = await h.untilRuns('on-time', 2);
    expect(both.map((r) => [r.trigger, r.scheduledAt])).toEqual([
      ['SCHEDULE', '2026-03-01T01:00:00.000Z'],
      ['SCHEDULE', '2026-03-01T02:00:00.000Z'],
    ]);
    expect(first[0].id).toBe(both[0].id);
    const run = await h.api.run(both[1].id, 'params');
    expect(run.params).toEqual({ region: 'eu', scheduledAt: '2026-03-01T02:00:00.000Z' });
  });

  it('fires nothing while paused, and resumes at the next fire without making up the pause', async () => {
    const h = await startAt(T0);
    await h.api.createJob(hourly('pausable'));
    const { pauseJob } = await h.api.request<{ pauseJob: { paused: boolean; nextFireAt: string | null } }>(
      `mutation { pauseJob(name: "pausable") { paused nextFireAt } }`,
    );
    expect(pauseJob).toEqual({ paused: true, nextFireAt: null });
    h.advance(3 * HOUR + 30 * 60_000);
    // Manual runs still run while paused.
    await h.api.finished(await h.api.trigger('pausable'));
    expect((await h.runsOf('pausable')).map((r) => r.trigger)).toEqual(['MANUAL']);

    const { resumeJob } = await h.api.request<{ resumeJob: { nextFireAt: string } }>(
      `mutation { resumeJob(name: "pausable") { nextFireAt } }`,
    );
    expect(resumeJob.nextFireAt).toBe('2026-03-01T04:00:00.000Z');
    h.advance(30 * 60_000);
    const runs = await h.untilRuns('pausable', 2);
    expect(runs.filter((r) => r.trigger === 'SCHEDULE').map((r) => r.scheduledAt)).toEqual([
      '2026-03-01T04:00:00.000Z',
    ]);
    expect((await h.stats('pausable')).skippedFires).toBe(0);
  });
});

describe('misfire policies after an outage', () => {
  it('SKIP, FIRE_ONCE and CATCH_UP each handle the fires missed while no planner led', async () => {
    let h = await startAt(T0);
    await h.api.createJob(hourly('skip', { misfirePolicy: 'SKIP' }));
    await h.api.createJob(hourly('fire-once', { misfirePolicy: 'FIRE_ONCE' }));
    await h.api.createJob(hourly('catch-up', { misfirePolicy: 'CATCH_UP' }));
    await h.stop();

    // Every planner is down from 00:00 to 05:10: the fires at 01:00 … 05:00 are missed.
    h = await startAt(new Date(T0.getTime() + 5 * HOUR + 10 * 60_000));
    const catchUp = await h.untilRuns('catch-up', 5);
    expect(catchUp.map((r) => r.scheduledAt.slice(11, 16))).toEqual(['01:00', '02:00', '03:00', '04:00', '05:00']);
    const once = await h.untilRuns('fire-once', 1);
    expect(once[0].scheduledAt).toBe('2026-03-01T05:00:00.000Z');
    expect(await h.runsOf('skip')).toEqual([]);
    expect(await h.stats('skip')).toMatchObject({ runs: 0, skippedFires: 5 });
    expect(await h.stats('fire-once')).toMatchObject({ runs: 1, skippedFires: 4 });
    expect(await h.stats('catch-up')).toMatchObject({ runs: 5, skippedFires: 0 });

    // The schedule then goes on at the next fire.
    h.advance(50 * 60_000);
    const next = await h.untilRuns('skip', 1);
    expect(next[0].scheduledAt).toBe('2026-03-01T06:00:00.000Z');
  });

  it('CATCH_UP runs at most maxActiveRuns at once, the rest QUEUED, oldest first', async () => {
    let h = await startAt(T0);
    sink.on('/catch-up', () => ({ status: 200, json: {}, delayMs: 150 }));
    await h.api.createJob({
      name: 'catch-up-limited',
      schedule: '0 * * * *',
      misfirePolicy: 'CATCH_UP',
      maxActiveRuns: 2,
      steps: [{ key: 'call', handler: 'http', params: { url: `${sink.url}/catch-up` } }],
    });
    await h.stop();
    h = await startAt(new Date(T0.getTime() + 6 * HOUR + 1000));
    const runs = await h.untilRuns('catch-up-limited', 6);
    const active = runs.filter((r) => r.status === 'RUNNING' || r.status === 'SUCCEEDED').length;
    expect(active).toBeLessThanOrEqual(2);
    await eventually(
      async () => ((await h.runsOf('catch-up-limited')).every((r) => r.status === 'SUCCEEDED') ? true : undefined),
      {
        what: 'all catch-up runs to finish',
      },
    );
    const calls = sink
      .callsTo('/catch-up')
      .map((c) => (c.body.params as { scheduledAt: string }).scheduledAt.slice(11, 16));
    // Admitted oldest first; two run at once, so neighbours may swap, but none starts further out of order.
    expect([...calls].sort()).toEqual(['01:00', '02:00', '03:00', '04:00', '05:00', '06:00']);
    calls.forEach((at, i) => expect(Math.abs(Number(at.slice(0, 2)) - 1 - i)).toBeLessThanOrEqual(1));
    // Never more than two executions overlapped.
    const starts = sink.callsTo('/catch-up').map((c) => c.at);
    for (let i = 2; i < starts.length; i++) expect(starts[i] - starts[i - 2]).toBeGreaterThanOrEqual(140);
  });
});

describe('concurrency policies', () => {
  const longJob = (name: string, policy: string) => ({
    name,
    schedule: '0 * * * *',
    concurrencyPolicy: policy,
    steps: [{ key: 'wait', handler: 'sleep', params: { ms: 60_000 } }],
  });

  it('FORBID skips a fire that finds the job still running, and counts it', async () => {
    const h = await startAt(T0);
    await h.api.createJob(longJob('forbid', 'FORBID'));
    h.advance(HOUR);
    const [first] = await h.untilRuns('forbid', 1);
    await eventually(async () => ((await h.api.run(first.id, 'status')).status === 'RUNNING' ? true : undefined));
    h.advance(HOUR);
    await eventually(async () => ((await h.stats('forbid')).skippedFires === 1 ? true : undefined), {
      what: 'the second fire to be skipped',
    });
    expect(await h.runsOf('forbid')).toHaveLength(1);
    await h.api.request(`mutation($id: ID!) { cancelRun(id: $id) { id } }`, { id: first.id });
  });

  it('REPLACE cancels the running run, then starts the new one', async () => {
    const h = await startAt(T0);
    await h.api.createJob(longJob('replace', 'REPLACE'));
    h.advance(HOUR);
    const [first] = await h.untilRuns('replace', 1);
    await eventually(async () => ((await h.api.run(first.id, 'status')).status === 'RUNNING' ? true : undefined));
    h.advance(HOUR);
    const runs = await h.untilRuns('replace', 2);
    expect((await h.api.finished(first.id, 20_000)).status).toBe('CANCELLED');
    await eventually(async () => ((await h.api.run(runs[1].id, 'status')).status === 'RUNNING' ? true : undefined), {
      what: 'the replacement to run',
    });
    expect((await h.stats('replace')).skippedFires).toBe(0);
    await h.api.request(`mutation($id: ID!) { cancelRun(id: $id) { id } }`, { id: runs[1].id });
  });

  it('ALLOW starts another run beside the one still running', async () => {
    const h = await startAt(T0);
    await h.api.createJob(longJob('allow', 'ALLOW'));
    h.advance(HOUR);
    await h.untilRuns('allow', 1);
    h.advance(HOUR);
    const runs = await h.untilRuns('allow', 2);
    for (const r of runs) await h.api.request(`mutation($id: ID!) { cancelRun(id: $id) { id } }`, { id: r.id });
  });
});

describe('maxActiveRuns', () => {
  it('holds manual runs beyond the limit QUEUED and starts them in order as others end', async () => {
    const h = await startAt(T0);
    sink.on('/one-at-a-time', () => ({ status: 200, json: {}, delayMs: 100 }));
    await h.api.createJob({
      name: 'one-at-a-time',
      maxActiveRuns: 1,
      steps: [{ key: 'call', handler: 'http', params: { url: `${sink.url}/one-at-a-time` } }],
    });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(await h.api.trigger('one-at-a-time', { n: i }));
    const statuses = await Promise.all(ids.map((id) => h.api.run(id, 'status')));
    expect(statuses.filter((r) => r.status === 'RUNNING').length).toBeLessThanOrEqual(1);
    for (const id of ids) expect((await h.api.finished(id)).status).toBe('SUCCEEDED');
    const calls = sink.callsTo('/one-at-a-time');
    expect(calls.map((c) => (c.body.params as { n: number }).n)).toEqual([0, 1, 2, 3]);
    for (let i = 1; i < calls.length; i++) expect(calls[i].at - calls[i - 1].at).toBeGreaterThanOrEqual(95);
  });
});

describe('backfill', () => {
  it('makes one BACKFILL run per fire time in [from, to], and none twice', async () => {
    const h = await startAt(T0);
    await h.api.createJob(hourly('history', { params: { table: 'events' } }));
    const BACKFILL = `mutation($from: DateTime!, $to: DateTime!) {
      backfillJob(name: "history", from: $from, to: $to) { id trigger scheduledAt params } }`;
    const window = { from: '2026-02-01T00:00:00Z', to: '2026-02-01T03:00:00Z' };
    const first = await h.api.request<{
      backfillJob: Array<{ id: string; trigger: string; scheduledAt: string; params: Record<string, unknown> }>;
    }>(BACKFILL, window);
    expect(first.backfillJob.map((r) => [r.trigger, r.scheduledAt.slice(11, 16)])).toEqual([
      ['BACKFILL', '00:00'],
      ['BACKFILL', '01:00'],
      ['BACKFILL', '02:00'],
      ['BACKFILL', '03:00'],
    ]);
    expect(first.backfillJob[1].params).toEqual({ table: 'events', scheduledAt: '2026-02-01T01:00:00.000Z' });
    const again = await h.api.request<{ backfillJob: Array<{ id: string }> }>(BACKFILL, {
      from: '2026-02-01T02:00:00Z',
      to: '2026-02-01T05:00:00Z',
    });
    expect(again.backfillJob.slice(0, 2).map((r) => r.id)).toEqual(first.backfillJob.slice(2).map((r) => r.id));
    expect(await h.runsOf('history')).toHaveLength(6);
    for (const r of await h.runsOf('history')) expect((await h.api.finished(r.id)).status).toBe('SUCCEEDED');
  });

  it.each([
    ['a job without a schedule', 'manual', '2026-02-01T00:00:00Z', '2026-02-02T00:00:00Z', /^name: .*no schedule/],
    ['a window past 10,000 fires', 'history-wide', '2026-01-01T00:00:00Z', '2027-12-31T00:00:00Z', /^to: .*10000/],
    ['to before from', 'history-wide', '2026-02-02T00:00:00Z', '2026-02-01T00:00:00Z', /^to: /],
  ])('refuses %s with BAD_USER_INPUT, storing nothing', async (_what, job, from, to, message) => {
    const h = await startAt(T0);
    await h.api.createJob(job === 'manual' ? { name: 'manual', steps: [{ key: 'a', handler: 'noop' }] } : hourly(job));
    const result = await h.api.raw(
      `mutation($n: String!, $f: DateTime!, $t: DateTime!) { backfillJob(name: $n, from: $f, to: $t) { id } }`,
      {
        n: job,
        f: from,
        t: to,
      },
    );
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0].message).toMatch(message);
    expect(await h.runsOf(job)).toEqual([]);
    await h.api.request(`mutation($n: String!) { deleteJob(name: $n) }`, { n: job });
  });
});

describe('one run per fire', () => {
  it('two planners racing to make the same fire produce one run', async () => {
    const h = await startAt(T0);
    await h.api.createJob(hourly('raced'));
    const [{ id: jobId }] = await db.query<{ id: string }>(`SELECT id FROM jobs WHERE name = 'raced'`);
    await h.stop();
    const fire = {
      jobId,
      jobName: 'raced',
      jobVersion: 1,
      scheduledAt: new Date('2026-03-01T07:00:00Z'),
      params: '{}',
    };
    const planners = await Promise.all(
      [0, 1].map(() => new DataSource(dataSourceOptions(db.url, { poolSize: 1 })).initialize()),
    );
    try {
      const made = await Promise.all(
        planners.map((ds) => ds.transaction((tx) => insertFireRuns(tx, [fire], new Date()))),
      );
      expect(made.sort()).toEqual([0, 1]);
      const rows = await db.query(`SELECT id FROM runs WHERE job_id = $1`, [jobId]);
      expect(rows).toHaveLength(1);
    } finally {
      await Promise.all(planners.map((ds) => ds.destroy()));
    }
  });
});
