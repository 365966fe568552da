/**
 * The core behaviours, run against each deployment (embedded default, split processes over
 * PostgreSQL + NATS). Everything goes through the public GraphQL API over HTTP; handlers
 * report what they executed to an HTTP sink.
 */
import { describe, expect, it } from 'vitest';
import type { HttpSink } from '../support/http-sink';
import type { ShardflowApi } from '../support/shardflow-api';
import { eventually } from '../support/wait';

export interface Deployment {
  api: ShardflowApi;
  sink: HttpSink;
  /** Label for measurements printed by the tests. */
  name: string;
}

const http = (sink: HttpSink, path: string, extra: Record<string, unknown> = {}) => ({
  handler: 'http',
  params: { url: `${sink.url}${path}`, ...extra },
});

export function coreScenarios(deployment: () => Deployment): void {
  describe('a DAG with sharded steps', () => {
    it('runs a 3-step DAG with 3 and 2 shards, giving each task its context and upstream outputs', async () => {
      const { api, sink } = deployment();
      sink.on('/extract', (call) => ({ status: 200, json: { city: call.body.shardParam } }));
      sink.on('/transform', (call) => ({ status: 200, json: { shard: call.body.shardIndex } }));
      await api.createJob({
        name: 'etl',
        params: { region: 'eu', day: 'job-default' },
        steps: [
          { key: 'extract', ...http(sink, '/extract'), shards: 3, shardParams: ['Beijing', 'Lima', 'Oslo'] },
          {
            key: 'transform',
            ...http(sink, '/transform'),
            dependsOn: ['extract'],
            shards: 2,
            params: { ...http(sink, '/transform').params, mode: 'fast' },
          },
          { key: 'load', ...http(sink, '/load'), dependsOn: ['transform'] },
        ],
      });
      const runId = await api.trigger('etl', { day: '2026-11-25' });
      const run = await api.finished(runId);

      expect(run.status).toBe('SUCCEEDED');
      expect(run.steps.map((s) => [s.key, s.status, s.shards, s.succeeded])).toEqual([
        ['extract', 'SUCCEEDED', 3, 3],
        ['transform', 'SUCCEEDED', 2, 2],
        ['load', 'SUCCEEDED', 1, 1],
      ]);
      expect(run.tasks).toHaveLength(6);
      expect(run.tasks.every((t) => t.attempt === 1 && t.workerId && t.attempts.length === 1)).toBe(true);

      const extract = sink
        .callsTo('/extract')
        .map((c) => c.body)
        .sort((a, b) => Number(a.shardIndex) - Number(b.shardIndex));
      expect(extract.map((b) => [b.shardIndex, b.shardCount, b.shardParam, b.attempt])).toEqual([
        [0, 3, 'Beijing', 1],
        [1, 3, 'Lima', 1],
        [2, 3, 'Oslo', 1],
      ]);
      // Job params, overridden by the trigger's, overridden by the step's; scheduledAt always there.
      expect(extract[0].params).toMatchObject({ region: 'eu', day: '2026-11-25' });
      expect(typeof (extract[0].params as Record<string, unknown>).scheduledAt).toBe('string');
      expect(extract[0]).toMatchObject({ runId, jobName: 'etl', stepKey: 'extract' });

      const transform = sink.callsTo('/transform').map((c) => c.body);
      expect(transform).toHaveLength(2);
      expect(transform[0].params).toMatchObject({ mode: 'fast', day: '2026-11-25' });
      expect(transform[0].upstream).toEqual({ extract: [{ city: 'Beijing' }, { city: 'Lima' }, { city: 'Oslo' }] });
      const load = sink.callsTo('/load')[0].body;
      expect(load.upstream).toEqual({ transform: [{ shard: 0 }, { shard: 1 }] });
      expect(run.tasks.find((t) => t.stepKey === 'transform' && t.shardIndex === 1)?.output).toEqual({ shard: 1 });
    });
  });

  describe('retries and timeouts', () => {
    it('retries a failing task with backoff until it succeeds, keeping every attempt', async () => {
      const { api, sink } = deployment();
      sink.on('/flaky', (_call, n) => (n <= 2 ? { status: 503, json: { down: n } } : { status: 200, json: { ok: n } }));
      await api.createJob({
        name: 'flaky',
        steps: [{ key: 'call', ...http(sink, '/flaky'), retries: 3, retryBackoffMs: 50 }],
      });
      const run = await api.finished(await api.trigger('flaky'));
      expect(run.status).toBe('SUCCEEDED');
      const task = run.tasks[0];
      expect(task.attempt).toBe(3);
      expect(task.output).toEqual({ ok: 3 });
      expect(task.attempts.map((a) => a.status)).toEqual(['FAILED', 'FAILED', 'SUCCEEDED']);
      expect(task.attempts[0].error).toMatch(/503/);
      // Backoff: the second retry waited at least twice the base after the first.
      const [a, b, c] = sink.callsTo('/flaky').map((x) => x.at);
      expect(b - a).toBeGreaterThanOrEqual(45);
      expect(c - b).toBeGreaterThanOrEqual(95);
      expect(sink.callsTo('/flaky').map((x) => x.body.attempt)).toEqual([1, 2, 3]);
    });

    it('fails a task once its retries are spent, and the run with it', async () => {
      const { api, sink } = deployment();
      sink.on('/down', () => ({ status: 500, json: { error: 'boom' } }));
      await api.createJob({
        name: 'down',
        steps: [{ key: 'call', ...http(sink, '/down'), retries: 1, retryBackoffMs: 10 }],
      });
      const run = await api.finished(await api.trigger('down'));
      expect(run.status).toBe('FAILED');
      expect(run.tasks[0]).toMatchObject({ status: 'FAILED', attempt: 2 });
      expect(run.tasks[0].error).toMatch(/HTTP 500/);
    });

    it('times an attempt out, saying so', async () => {
      const { api } = deployment();
      await api.createJob({
        name: 'slow',
        steps: [{ key: 'nap', handler: 'sleep', params: { ms: 20_000 }, timeoutMs: 300 }],
      });
      const started = Date.now();
      const run = await api.finished(await api.trigger('slow'));
      expect(run.status).toBe('FAILED');
      expect(run.tasks[0].status).toBe('FAILED');
      expect(run.tasks[0].error).toMatch(/timed out after 300 ms/);
      expect(Date.now() - started).toBeLessThan(15_000);
    });
  });

  describe('trigger rules', () => {
    it('runs or skips each downstream step as its rule says when an upstream step fails', async () => {
      const { api, sink } = deployment();
      sink.on('/fail', () => ({ status: 500 }));
      const after = (key: string, triggerRule: string, dependsOn = ['bad']) => ({
        key,
        handler: 'noop',
        dependsOn,
        triggerRule,
      });
      await api.createJob({
        name: 'rules',
        steps: [
          { key: 'good', handler: 'noop' },
          { key: 'bad', ...http(sink, '/fail'), shards: 2 },
          after('all_success', 'ALL_SUCCESS'),
          after('all_done', 'ALL_DONE'),
          after('one_failed', 'ONE_FAILED'),
          after('none_failed', 'NONE_FAILED'),
          after('one_success', 'ONE_SUCCESS', ['good', 'bad']),
          after('after_skip', 'ALL_SUCCESS', ['all_success']),
          after('done_after_skip', 'ALL_DONE', ['all_success']),
        ],
      });
      const run = await api.finished(await api.trigger('rules'));
      const status = Object.fromEntries(run.steps.map((s) => [s.key, s.status]));
      expect(status).toEqual({
        good: 'SUCCEEDED',
        bad: 'FAILED',
        all_success: 'SKIPPED',
        all_done: 'SUCCEEDED',
        one_failed: 'SUCCEEDED',
        none_failed: 'SKIPPED',
        one_success: 'SUCCEEDED',
        after_skip: 'SKIPPED',
        done_after_skip: 'SUCCEEDED',
      });
      expect(run.status).toBe('FAILED');
    });
  });

  describe('cancel and retry', () => {
    it('cancels a running run: running tasks stop, nothing more starts, every task ends CANCELLED', async () => {
      const { api, sink } = deployment();
      await api.createJob({
        name: 'long',
        steps: [
          { key: 'wait', handler: 'sleep', params: { ms: 60_000 }, shards: 2 },
          { key: 'never', ...http(sink, '/never'), dependsOn: ['wait'], triggerRule: 'ALL_DONE' },
        ],
      });
      const runId = await api.trigger('long');
      await eventually(
        async () =>
          (await api.run(runId)).tasks.filter((t) => t.status === 'RUNNING').length === 2 ? true : undefined,
        {
          what: 'both sleeps to run',
        },
      );
      const requested = await api.request<{ cancelRun: { id: string } }>(
        `mutation($id: ID!) { cancelRun(id: $id) { id } }`,
        { id: runId },
      );
      expect(requested.cancelRun.id).toBe(runId);
      const started = Date.now();
      const run = await api.finished(runId, 15_000);
      expect(run.status).toBe('CANCELLED');
      expect(run.tasks.every((t) => t.status === 'CANCELLED')).toBe(true);
      expect(run.steps.map((s) => s.status)).toEqual(['CANCELLED', 'CANCELLED']);
      // The workers were told: their running counts drop to zero long before the 60 s sleep ends.
      await eventually(
        async () => {
          const { workers } = await api.request<{ workers: Array<{ running: number; alive: boolean }> }>(
            `{ workers { running alive } }`,
          );
          return workers.filter((w) => w.alive).every((w) => w.running === 0) ? true : undefined;
        },
        { timeoutMs: 20_000, what: 'workers to stop the cancelled sleeps' },
      );
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(sink.callsTo('/never')).toHaveLength(0);
    });

    it('retries a failed run as a new run: succeeded tasks are carried over, the rest run again', async () => {
      const { api, sink } = deployment();
      let healthy = false;
      sink.on('/part', (call) => ({ status: 200, json: { part: call.body.shardIndex } }));
      sink.on('/sometimes', (call) =>
        healthy || call.body.shardIndex === 0 ? { status: 200, json: { fixed: healthy } } : { status: 500 },
      );
      await api.createJob({
        name: 'fixable',
        params: { p: 1 },
        steps: [
          { key: 'parts', ...http(sink, '/part'), shards: 2 },
          { key: 'risky', ...http(sink, '/sometimes'), dependsOn: ['parts'], shards: 2 },
          { key: 'report', ...http(sink, '/report'), dependsOn: ['risky'] },
        ],
      });
      const first = await api.finished(await api.trigger('fixable', { q: 2 }));
      expect(first.status).toBe('FAILED');
      expect(first.steps.map((s) => s.status)).toEqual(['SUCCEEDED', 'FAILED', 'SKIPPED']);

      healthy = true;
      const partsBefore = sink.callsTo('/part').length;
      const { retryRun } = await api.request<{
        retryRun: { id: string; trigger: string; retryOf: string; status: string };
      }>(`mutation($id: ID!) { retryRun(id: $id) { id trigger retryOf status } }`, { id: first.id });
      expect(retryRun).toMatchObject({ trigger: 'RETRY', retryOf: first.id, status: 'QUEUED' });
      const second = await api.finished(retryRun.id);
      expect(second.status).toBe('SUCCEEDED');
      expect(second.params).toEqual(first.params);
      expect(second.scheduledAt).toBe(first.scheduledAt);
      expect(sink.callsTo('/part')).toHaveLength(partsBefore); // carried over, not run again
      expect(second.tasks.filter((t) => t.stepKey === 'parts').map((t) => t.output)).toEqual([
        { part: 0 },
        { part: 1 },
      ]);
      const risky = second.tasks.filter((t) => t.stepKey === 'risky');
      expect(risky.map((t) => t.output)).toEqual([{ fixed: false }, { fixed: true }]);
      expect(sink.callsTo('/report')).toHaveLength(1);
    });
  });

  describe('schedules', () => {
    it('fires a per-second schedule into runs with distinct scheduledAt, stops while paused, restarts on resume', async () => {
      const { api } = deployment();
      await api.createJob({ name: 'every-second', schedule: '* * * * * *', steps: [{ key: 'tick', handler: 'noop' }] });
      const RUNS = `{ runs(jobName: "every-second", limit: 1000) { id status scheduledAt createdAt trigger params } }`;
      type Fired = {
        runs: Array<{
          status: string;
          scheduledAt: string;
          createdAt: string;
          trigger: string;
          params: { scheduledAt: string };
        }>;
      };
      const fired = await eventually(
        async () => {
          const { runs } = await api.request<Fired>(RUNS);
          return runs.length >= 3 ? runs : undefined;
        },
        { what: 'three fires', timeoutMs: 20_000 },
      );
      const times = fired.map((r) => r.scheduledAt);
      expect(new Set(times).size).toBe(times.length);
      for (const r of fired) {
        expect(r.trigger).toBe('SCHEDULE');
        expect(r.params.scheduledAt).toBe(r.scheduledAt);
        expect(new Date(r.scheduledAt).getMilliseconds()).toBe(0);
        // On time: made well within the second it belongs to (loose bound for a loaded machine).
        expect(Date.parse(r.createdAt) - Date.parse(r.scheduledAt)).toBeLessThan(1000);
      }

      await api.request(`mutation { pauseJob(name: "every-second") { paused } }`);
      const paused = (await api.request<Fired>(RUNS)).runs.length;
      // A fire already being made when the pause landed may still appear; after that, nothing.
      await new Promise((r) => setTimeout(r, 2500));
      const settled = (await api.request<Fired>(RUNS)).runs.length;
      expect(settled - paused).toBeLessThanOrEqual(1);
      await new Promise((r) => setTimeout(r, 2000));
      expect((await api.request<Fired>(RUNS)).runs.length).toBe(settled);

      await api.request(`mutation { resumeJob(name: "every-second") { paused } }`);
      await eventually(async () => ((await api.request<Fired>(RUNS)).runs.length >= settled + 2 ? true : undefined), {
        what: 'fires after resume',
        timeoutMs: 20_000,
      });
      await api.request(`mutation { deleteJob(name: "every-second") }`);
    });
  });

  describe('scale', () => {
    it('runs a 2,000-shard step and a join that sees every shard output', async () => {
      const { api, sink, name } = deployment();
      await api.createJob({
        name: 'wide',
        steps: [
          { key: 'fan', handler: 'noop', shards: 2000 },
          { key: 'join', ...http(sink, '/join'), dependsOn: ['fan'] },
        ],
      });
      const started = Date.now();
      const runId = await api.trigger('wide');
      const run = await api.finished(runId, 180_000);
      const ms = Date.now() - started;
      console.log(`[measure] ${name}: 2,000-shard step + join end to end in ${ms} ms`);
      expect(run.status).toBe('SUCCEEDED');
      expect(run.steps).toEqual([
        { key: 'fan', status: 'SUCCEEDED', shards: 2000, succeeded: 2000, failed: 0 },
        { key: 'join', status: 'SUCCEEDED', shards: 1, succeeded: 1, failed: 0 },
      ]);
      const join = sink.callsTo('/join')[0].body;
      expect((join.upstream as { fan: unknown[] }).fan).toHaveLength(2000);
    });
  });
}
