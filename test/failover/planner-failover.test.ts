/**
 * Planner death and fencing, as separate processes on PostgreSQL + NATS: kill -9 the leader,
 * SIGSTOP it past its lease (it must write nothing when it wakes), SIGTERM it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProcessCluster } from '../support/cluster';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { HttpSink } from '../support/http-sink';
import { NATS_URL, requireNats, uniqueNatsPrefix } from '../support/services';
import { eventually } from '../support/wait';

const LEASE_MS = 2000;
let db: TestDatabase;
let cluster: ProcessCluster;
let sink: HttpSink;
let standbys = 0;

/**
 * Records which lease epoch made every write to the planner's tables: the leader sets
 * shardflow.epoch in each fenced transaction, so a deposed leader's write would show here.
 */
const AUDIT = `
  CREATE TABLE write_audit (epoch text, tbl text, at timestamptz NOT NULL DEFAULT clock_timestamp());
  CREATE FUNCTION audit_write() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO write_audit (epoch, tbl) VALUES (current_setting('shardflow.epoch', true), TG_TABLE_NAME);
    RETURN NULL;
  END $$;
  CREATE TRIGGER audit_tasks AFTER INSERT OR UPDATE ON tasks FOR EACH STATEMENT EXECUTE FUNCTION audit_write();
  CREATE TRIGGER audit_runs AFTER INSERT OR UPDATE ON runs FOR EACH STATEMENT EXECUTE FUNCTION audit_write();
  CREATE TRIGGER audit_steps AFTER INSERT OR UPDATE ON run_steps FOR EACH STATEMENT EXECUTE FUNCTION audit_write();
  CREATE TRIGGER audit_attempts AFTER INSERT OR UPDATE ON attempts FOR EACH STATEMENT EXECUTE FUNCTION audit_write();
`;

beforeAll(async () => {
  await requireNats();
  db = await createTestDatabase();
  await db.query(AUDIT);
  sink = await new HttpSink().start();
  cluster = new ProcessCluster({
    databaseUrl: db.url,
    natsUrl: NATS_URL,
    natsPrefix: uniqueNatsPrefix(),
    env: { SHARDFLOW_LEASE_MS: String(LEASE_MS) },
  });
  await cluster.startApi();
  cluster.startPlanner('planner-a');
  cluster.startPlanner('planner-b');
  cluster.startWorker('w1', { WORKER_CONCURRENCY: '8' });
  cluster.startWorker('w2', { WORKER_CONCURRENCY: '8' });
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

/** A run long enough to be mid-flight when the leader goes: 40 shards of 250 ms, then a join. */
async function startLongRun(name: string): Promise<string> {
  sink.on(`/${name}`, () => ({ status: 200, json: { ok: true }, delayMs: 250 }));
  await cluster.api.createJob({
    name,
    steps: [
      { key: 'work', handler: 'http', params: { url: `${sink.url}/${name}` }, shards: 40 },
      { key: 'join', handler: 'noop', dependsOn: ['work'] },
    ],
  });
  const runId = await cluster.api.trigger(name);
  await sink.waitFor(`/${name}`, 5);
  return runId;
}

/** Every task ran exactly once: nothing dispatched twice, nothing lost. */
async function expectExactlyOnce(name: string, runId: string): Promise<void> {
  const run = await cluster.api.finished(runId, 60_000);
  expect(run.status).toBe('SUCCEEDED');
  expect(run.tasks.every((t) => t.attempt === 1 && t.attempts.length === 1)).toBe(true);
  const executions = sink.callsTo(`/${name}`).map((c) => c.body.taskId as string);
  expect(executions).toHaveLength(40);
  expect(new Set(executions).size).toBe(40);
}

function restartStandby(): void {
  cluster.startPlanner(`standby-${++standbys}`);
}

describe('planner death', () => {
  it('kill -9 of the leader mid-run: a standby leads within the lease + 1 s, with a higher epoch, and the run goes on', async () => {
    const before = await cluster.ready(2);
    const runId = await startLongRun('leader-killed');
    const killedAt = Date.now();
    cluster.signal(cluster.nameOfPlanner(before.cluster.leaderId as string), 'SIGKILL');
    const after = await cluster.ready(2, before.cluster.leaderId as string);
    const takeover = Date.now() - killedAt;
    console.log(`[measure] leader kill -9 -> new leader in ${takeover} ms (lease ${LEASE_MS} ms)`);
    expect(after.cluster.epoch).toBeGreaterThan(before.cluster.epoch);
    expect(takeover).toBeLessThan(LEASE_MS + 1000 + 1000); // + 1 s for this test's own polling on a loaded machine
    await expectExactlyOnce('leader-killed', runId);
    restartStandby();
  });

  it('a leader paused past its lease writes nothing when it wakes, and steps down', async () => {
    const before = await cluster.ready(2);
    const oldEpoch = String(before.cluster.epoch);
    const paused = cluster.nameOfPlanner(before.cluster.leaderId as string);
    const runId = await startLongRun('leader-paused');
    cluster.signal(paused, 'SIGSTOP');
    const after = await cluster.ready(2, before.cluster.leaderId as string);
    const takenOver = new Date(after.cluster.leaderSince as string);
    cluster.signal(paused, 'SIGCONT');
    await expectExactlyOnce('leader-paused', runId);
    // Give the woken planner time to try: its renew fails, its next transaction is refused.
    await eventually(
      async () =>
        /lease of epoch \d+ lost|no longer held|leader loop ended/.test(cluster.get(paused).output())
          ? true
          : undefined,
      {
        what: 'the old leader to notice it lost the lease',
        timeoutMs: 20_000,
      },
    );
    const late = await db.query(`SELECT * FROM write_audit WHERE epoch = $1 AND at > $2`, [oldEpoch, takenOver]);
    expect(late).toEqual([]);
    const byOld = await db.query(`SELECT count(*)::int AS n FROM write_audit WHERE epoch = $1`, [oldEpoch]);
    expect((byOld[0] as { n: number }).n).toBeGreaterThan(0); // it did write while it led
    const view = await cluster.view();
    expect(view.cluster.leaderId).toBe(after.cluster.leaderId);
    expect(view.cluster.epoch).toBe(after.cluster.epoch);
  });

  it('SIGTERM on the leader releases the lease: a standby takes over at once', async () => {
    const before = await cluster.ready(2);
    const leader = cluster.nameOfPlanner(before.cluster.leaderId as string);
    const stoppedAt = Date.now();
    expect(await cluster.get(leader).stop()).toBe(0);
    const after = await cluster.ready(2, before.cluster.leaderId as string);
    const takeover = Date.now() - stoppedAt;
    console.log(`[measure] leader SIGTERM -> new leader in ${takeover} ms (lease ${LEASE_MS} ms)`);
    expect(after.cluster.epoch).toBe(before.cluster.epoch + 1);
    expect(takeover).toBeLessThan(LEASE_MS);
  });
});
