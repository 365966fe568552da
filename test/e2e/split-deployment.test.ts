/**
 * The split deployment: api, two planners and two workers as separate processes
 * (`node dist/main.js --roles …`) on the real PostgreSQL and NATS JetStream.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { HttpSink } from '../support/http-sink';
import { freePort, startProcess, type RoleProcess } from '../support/processes';
import { NATS_URL, requireNats, uniqueNatsPrefix } from '../support/services';
import { ShardflowApi } from '../support/shardflow-api';
import { eventually } from '../support/wait';
import { coreScenarios, type Deployment } from './core-scenarios';

const run = promisify(execFile);
let db: TestDatabase;
let deployment: Deployment;
const processes: Record<string, RoleProcess> = {};
let env: Record<string, string>;

interface ClusterView {
  cluster: {
    leaderId: string | null;
    epoch: number;
    leaderSince: string | null;
    planners: Array<{ id: string; leader: boolean }>;
  };
  workers: Array<{ id: string; alive: boolean; queues: string[]; handlers: string[] }>;
}
const CLUSTER = `{ cluster { leaderId epoch leaderSince planners { id leader } } workers { id alive queues handlers } }`;

beforeAll(async () => {
  await requireNats();
  // A fresh, empty database: the migration command itself must create the schema.
  db = await createTestDatabase();
  await db.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
  env = {
    DATABASE_URL: db.url,
    NATS_URL,
    SHARDFLOW_NATS_PREFIX: uniqueNatsPrefix(),
    SHARDFLOW_LEASE_MS: '2000',
    SHARDFLOW_WORKER_TIMEOUT_MS: '2000',
  };
  const migrated = await run('npm', ['run', 'migration:run'], { env: { ...process.env, ...env } });
  expect(migrated.stdout).toMatch(/applied: Init/);
  const port = await freePort();
  processes.api = startProcess(['--roles', 'api'], { ...env, PORT: String(port) });
  processes.planner1 = startProcess(['--roles', 'planner'], env);
  processes.planner2 = startProcess(['--roles', 'planner'], env);
  // Workers get the bus only: no database credentials.
  const workerEnv = { ...env, DATABASE_URL: '', WORKER_CONCURRENCY: '32' };
  processes.worker1 = startProcess(['--roles', 'worker'], workerEnv);
  processes.worker2 = startProcess(['--roles', 'worker'], workerEnv);
  // A third worker may run shell commands, and serves only the "shell" queue.
  processes.shellWorker = startProcess(['--roles', 'worker'], {
    ...workerEnv,
    WORKER_QUEUES: 'shell',
    WORKER_ALLOW_SHELL: '1',
  });
  const api = new ShardflowApi(`http://127.0.0.1:${port}`);
  await eventually(
    async () => ((await fetch(`${api.baseUrl}/readyz`).catch(() => null))?.status === 200 ? true : undefined),
    {
      what: 'the api to be ready',
    },
  );
  await eventually(
    async () => {
      const view = await api.request<ClusterView>(CLUSTER);
      return view.cluster.leaderId && view.workers.filter((w) => w.alive).length === 3 ? true : undefined;
    },
    { what: 'a leader and three live workers' },
  );
  deployment = { api, sink: await new HttpSink().start(), name: 'split (PostgreSQL + NATS)' };
});

afterAll(async () => {
  await Promise.all(Object.values(processes).map((p) => p.stop()));
  await deployment?.sink.stop();
  await db?.drop();
});

describe('split deployment', () => {
  it('shows two planners with one leader, and every worker with its queues and handlers', async () => {
    const { cluster, workers } = await deployment.api.request<ClusterView>(CLUSTER);
    expect(cluster.planners).toHaveLength(2);
    expect(cluster.planners.filter((p) => p.leader).map((p) => p.id)).toEqual([cluster.leaderId]);
    expect(cluster.epoch).toBeGreaterThanOrEqual(1);
    expect(Date.parse(cluster.leaderSince ?? '')).toBeLessThanOrEqual(Date.now());
    expect(workers.filter((w) => w.alive)).toHaveLength(3);
    const plain = workers.filter((w) => w.queues.join() === 'default');
    expect(plain).toHaveLength(2);
    for (const w of plain) {
      expect(w.handlers).toEqual(expect.arrayContaining(['noop', 'sleep', 'http']));
      expect(w.handlers).not.toContain('shell');
    }
    expect(workers.find((w) => w.queues.join() === 'shell')?.handlers).toContain('shell');
  });

  it('runs shell commands with the SHARDFLOW_* variables on a worker that allows them', async () => {
    const { api } = deployment;
    await api.createJob({
      name: 'shell',
      steps: [
        {
          key: 'echo',
          handler: 'shell',
          queue: 'shell',
          shards: 2,
          shardParams: ['north', 'south'],
          params: {
            command:
              'echo working >&2; echo "$SHARDFLOW_SHARD_INDEX/$SHARDFLOW_SHARD_COUNT $SHARDFLOW_SHARD_PARAM a$SHARDFLOW_ATTEMPT $GREETING"',
            env: { GREETING: 'hi' },
          },
        },
        { key: 'fail', handler: 'shell', queue: 'shell', params: { command: 'echo oops >&2; exit 3' } },
      ],
    });
    const run = await api.finished(await api.trigger('shell'));
    const outputs = run.tasks.filter((t) => t.stepKey === 'echo').map((t) => t.output);
    expect(outputs).toEqual(['0/2 north a1 hi', '1/2 south a1 hi']);
    const failed = run.tasks.find((t) => t.stepKey === 'fail');
    expect(failed?.status).toBe('FAILED');
    expect(failed?.error).toMatch(/exit code 3: oops/);
  });

  it('refuses the shell handler on a worker that does not allow it, saying how to allow it', async () => {
    const { api } = deployment;
    await api.createJob({
      name: 'no-shell',
      steps: [{ key: 'try', handler: 'shell', params: { command: 'echo hi' } }],
    });
    const run = await api.finished(await api.trigger('no-shell'));
    expect(run.tasks[0].status).toBe('FAILED');
    expect(run.tasks[0].error).toMatch(/WORKER_ALLOW_SHELL=1/);
  });

  it('spreads the shards of one step over both workers', async () => {
    const { api } = deployment;
    await api.createJob({ name: 'spread', steps: [{ key: 'nap', handler: 'sleep', params: { ms: 100 }, shards: 64 }] });
    const done = await api.finished(await api.trigger('spread'));
    expect(done.status).toBe('SUCCEEDED');
    // The two workers of the default queue share them; the shell worker serves another queue.
    expect(new Set(done.tasks.map((t) => t.workerId)).size).toBe(2);
  });

  it('refuses to start a role alone without both DATABASE_URL and NATS_URL, in one line', async () => {
    const lonely = startProcess(['--roles', 'planner'], { DATABASE_URL: db.url });
    expect(await lonely.exited).not.toBe(0);
    expect(lonely.output().trim().split('\n')).toHaveLength(1);
    expect(lonely.output()).toMatch(/NATS_URL/);
  });
});

coreScenarios(() => deployment);
