// npm run bench: (1) end-to-end throughput of one wide sharded step (noop tasks) and (2) the
// jitter of schedule fires (run created minus scheduled time) over BENCH_FIRE_SECONDS (30) of
// BENCH_FIRE_JOBS (10) per-second schedules, all through the public GraphQL API. Embedded
// default by default; set DATABASE_URL and NATS_URL to measure a real PostgreSQL + NATS (all
// roles in this process). BENCH_SHARDS sets the width (10000).
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

execFileSync(process.execPath, ['scripts/build-if-needed.mjs'], { stdio: 'inherit' });
const require = createRequire(import.meta.url);
const { startShardflow } = require('../dist/src/bootstrap.js');
const { loadConfig } = require('../dist/src/config/app-config.js');

const shards = Number(process.env.BENCH_SHARDS ?? 10_000);
const dataDir = mkdtempSync(join(tmpdir(), 'sf-bench-'));
chmodSync(dataDir, 0o755); // keeps the embedded cluster inside it, so removing it cleans up
const config = loadConfig({ ...process.env, PORT: '0', SHARDFLOW_DATA_DIR: dataDir, WORKER_CONCURRENCY: '64' }, []);
const sf = await startShardflow(config, { logger: false });
const gql = async (query, variables) => {
  const res = await fetch(`${sf.httpUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors) throw new Error(body.errors[0].message);
  return body.data;
};

try {
  const name = `bench-${Date.now()}`;
  await gql(`mutation($i: JobInput!) { createJob(input: $i) { name } }`, {
    i: {
      name,
      steps: [
        { key: 'wide', handler: 'noop', shards },
        { key: 'join', handler: 'noop', dependsOn: ['wide'] },
      ],
    },
  });
  const started = performance.now();
  const { triggerJob } = await gql(`mutation($n: String!) { triggerJob(name: $n) { id } }`, { n: name });
  let run;
  do {
    await new Promise((r) => setTimeout(r, 100));
    ({ run } = await gql(`query($id: ID!) { run(id: $id) { status } }`, { id: triggerJob.id }));
  } while (run.status === 'QUEUED' || run.status === 'RUNNING');
  const seconds = (performance.now() - started) / 1000;
  const engines = config.databaseUrl ? 'PostgreSQL + NATS' : 'embedded default';
  console.log(
    `${engines}: ${shards} shards + join ${run.status} in ${seconds.toFixed(2)} s = ${Math.round(shards / seconds)} tasks/s`,
  );

  const jobs = Number(process.env.BENCH_FIRE_JOBS ?? 10);
  const fireSeconds = Number(process.env.BENCH_FIRE_SECONDS ?? 30);
  for (let i = 0; i < jobs; i++) {
    await gql(`mutation($i: JobInput!) { createJob(input: $i) { name } }`, {
      i: { name: `${name}-tick-${i}`, schedule: '* * * * * *', steps: [{ key: 'a', handler: 'noop' }] },
    });
  }
  await new Promise((r) => setTimeout(r, fireSeconds * 1000));
  const lags = [];
  for (let i = 0; i < jobs; i++) {
    const tick = `${name}-tick-${i}`;
    await gql(`mutation($n: String!) { pauseJob(name: $n) { name } }`, { n: tick });
    const { runs } = await gql(`query($n: String!) { runs(jobName: $n, limit: 1000) { scheduledAt createdAt } }`, {
      n: tick,
    });
    for (const r of runs) lags.push(Date.parse(r.createdAt) - Date.parse(r.scheduledAt));
  }
  lags.sort((a, b) => a - b);
  const pct = (p) => lags[Math.min(lags.length - 1, Math.floor((p / 100) * lags.length))];
  console.log(
    `fire jitter over ${lags.length} fires (${jobs} per-second schedules, ${fireSeconds} s): p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${lags.at(-1)} ms`,
  );
} finally {
  await sf.close();
  rmSync(dataDir, { recursive: true, force: true });
}
