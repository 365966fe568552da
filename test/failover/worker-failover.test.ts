/**
 * Worker death, as separate processes on PostgreSQL + NATS: kill -9, a worker that comes back
 * after being declared dead, a poison task, and a graceful SIGTERM.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProcessCluster } from '../support/cluster';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { HttpSink } from '../support/http-sink';
import { NATS_URL, requireNats, uniqueNatsPrefix } from '../support/services';
import { eventually } from '../support/wait';

let db: TestDatabase;
let cluster: ProcessCluster;
let sink: HttpSink;

beforeAll(async () => {
  await requireNats();
  db = await createTestDatabase();
  sink = await new HttpSink().start();
  cluster = new ProcessCluster({
    databaseUrl: db.url,
    natsUrl: NATS_URL,
    natsPrefix: uniqueNatsPrefix(),
    env: { SHARDFLOW_WORKER_STOP_GRACE_MS: '500' },
  });
  await cluster.startApi();
  cluster.startPlanner('planner');
  cluster.startWorker('w1', { WORKER_CONCURRENCY: '2' });
  cluster.startWorker('w2', { WORKER_CONCURRENCY: '2' });
  await cluster.ready(2);
});

afterEach(({ task }) => {
  if (task.result?.state === 'fail') console.error(cluster.logs());
});

afterAll(async () => {
  await cluster?.stopAll();
  await sink?.stop();
  await db?.drop();
});

type Task = Awaited<ReturnType<typeof cluster.api.run>>['tasks'][number];
const running = async (runId: string, n: number): Promise<Task[]> =>
  eventually(
    async () => {
      const tasks = (await cluster.api.run(runId)).tasks.filter((t) => t.status === 'RUNNING');
      return tasks.length >= n ? tasks : undefined;
    },
    { what: `${n} running tasks` },
  );

describe('worker death', () => {
  it('fails over the attempts of a worker killed with -9 to another worker, spending no retry', async () => {
    const { api } = cluster;
    sink.on('/slow', () => ({ status: 200, json: { ok: true }, delayMs: 1500 }));
    await api.createJob({
      name: 'survivor',
      steps: [{ key: 's', handler: 'http', params: { url: `${sink.url}/slow` }, shards: 4, retries: 0 }],
    });
    const runId = await api.trigger('survivor');
    const tasks = await running(runId, 4);
    const victim = cluster.nameOfWorker(tasks[0].workerId as string);
    const victimId = tasks[0].workerId as string;
    const killedAt = Date.now();
    cluster.signal(victim, 'SIGKILL');
    cluster.startWorker(`${victim}-again`, { WORKER_CONCURRENCY: '2' });

    const run = await api.finished(runId, 60_000);
    expect(run.status).toBe('SUCCEEDED');
    const moved = run.tasks.filter((t) => t.attempts[0].workerId === victimId);
    expect(moved.length).toBeGreaterThan(0);
    for (const t of moved) {
      expect(t.attempt).toBe(2);
      expect(t.workerId).not.toBe(victimId);
      expect(t.attempts.map((a) => a.status)).toEqual(['FAILED', 'SUCCEEDED']);
      expect(t.attempts[0].error).toMatch(/^lost: worker .* silent for \d+ ms/);
    }
    const failedOverAt = Math.max(
      ...sink
        .callsTo('/slow')
        .filter((c) => c.body.attempt === 2)
        .map((c) => c.at),
    );
    console.log(
      `[measure] worker kill -9 -> attempt 2 started: ${failedOverAt - killedAt} ms (worker timeout 2000 ms)`,
    );
    expect(failedOverAt - killedAt).toBeLessThan(15_000);
  });

  it('ignores the late result of a worker that comes back after being declared dead, and notes it', async () => {
    const { api } = cluster;
    await api.createJob({ name: 'sleeper', steps: [{ key: 'nap', handler: 'sleep', params: { ms: 3000 } }] });
    const runId = await api.trigger('sleeper');
    const [task] = await running(runId, 1);
    const frozen = cluster.nameOfWorker(task.workerId as string);
    cluster.signal(frozen, 'SIGSTOP');
    // Declared dead after the worker timeout; the task moves on to attempt 2 elsewhere.
    await eventually(async () => ((await api.run(runId)).tasks[0].attempt === 2 ? true : undefined), {
      what: 'the failover to attempt 2',
    });
    cluster.signal(frozen, 'SIGCONT');
    const run = await api.finished(runId);
    expect(run.status).toBe('SUCCEEDED');
    const done = run.tasks[0];
    expect(done.attempt).toBe(2);
    // The frozen worker finishes its sleep when it thaws and reports attempt 1: noted, changing nothing.
    await eventually(
      async () =>
        (await api.run(runId)).tasks[0].attempts[0].error?.includes('late result (succeeded)') ? true : undefined,
      { what: 'the late result to be noted', timeoutMs: 30_000 },
    );
    const after = await api.run(runId);
    expect(after.tasks[0]).toMatchObject({ status: 'SUCCEEDED', attempt: 2, workerId: done.workerId });
    expect(after.tasks[0].attempts[0]).toMatchObject({ status: 'FAILED' });
    expect(after.tasks[0].attempts[0].error).toMatch(/^lost: .*; late result \(succeeded\) from worker .* ignored/);
  });

  it('fails a poison task that kills its worker three times, with an error that says so', async () => {
    const { api } = cluster;
    for (const name of ['p1', 'p2', 'p3'])
      cluster.startWorker(name, { WORKER_QUEUES: 'poison', WORKER_ALLOW_SHELL: '1' });
    await cluster.ready(5);
    await api.createJob({
      name: 'poison',
      steps: [
        { key: 'bad', handler: 'shell', queue: 'poison', retries: 5, params: { command: 'kill -9 $PPID; sleep 5' } },
      ],
    });
    const run = await api.finished(await api.trigger('poison'), 90_000);
    expect(run.status).toBe('FAILED');
    const task = run.tasks[0];
    expect(task.attempt).toBe(3);
    expect(task.error).toMatch(/^lost 3 times/);
    expect(task.attempts.every((a) => a.error?.startsWith('lost: '))).toBe(true);
  });

  it('on SIGTERM, a worker exits 0 and hands back what outlasts its grace, which moves on at once', async () => {
    const { api } = cluster;
    await api.createJob({ name: 'graceful', steps: [{ key: 'long', handler: 'sleep', params: { ms: 8000 } }] });
    const runId = await api.trigger('graceful');
    const [long] = await running(runId, 1);
    const leaving = cluster.nameOfWorker(long.workerId as string);
    const stoppedAt = Date.now();
    expect(await cluster.get(leaving).stop()).toBe(0);
    // Handed back with the worker's last heartbeat, not found dead after the worker timeout.
    await eventually(async () => ((await api.run(runId)).tasks[0].attempt === 2 ? true : undefined), {
      what: 'the handed-back task to get attempt 2',
    });
    console.log(
      `[measure] SIGTERM worker -> handed-back task re-queued in ${Date.now() - stoppedAt} ms (grace 500 ms)`,
    );
    const run = await api.finished(runId, 60_000);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.tasks[0].attempts[0].error).toMatch(/^lost: worker .* stopped and handed it back/);
    expect(run.tasks[0].attempts[1]).toMatchObject({ status: 'SUCCEEDED' });
  });
});
