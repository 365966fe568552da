// npm run chaos: the long chaos suite (test/chaos). Kills -9 and SIGTERMs workers, kills -9 and
// SIGSTOPs the leader, restarts NATS — several hundred times over ten minutes by default —
// under a mixed load, then checks every run against PostgreSQL and the handlers' executions
// and prints one table. Needs PostgreSQL (TEST_DATABASE_URL, default
// postgres://postgres@127.0.0.1:5432/postgres) and a nats-server binary on PATH.
//
//   CHAOS_SEED=123 npm run chaos          repeat a schedule (the seed is printed at start)
//   CHAOS_KILLS=500 CHAOS_SECONDS=900 npm run chaos
//   CHAOS_PROFILE=ci npm run chaos        the bounded form npm test runs
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'sf-chaos-report-'));
const report = join(dir, 'table.txt');
const env = { ...process.env, CHAOS_PROFILE: process.env.CHAOS_PROFILE || 'full', CHAOS_REPORT: report };
const vitest = spawnSync(
  process.execPath,
  ['node_modules/vitest/vitest.mjs', 'run', '--project', 'integration', 'test/chaos/chaos.test.ts'],
  { cwd: new URL('..', import.meta.url).pathname, env, stdio: 'inherit' },
);
if (existsSync(report)) {
  console.log(`\n${readFileSync(report, 'utf8')}`);
} else {
  console.log('\nchaos: no table (the suite stopped before its audit; see above)');
}
rmSync(dir, { recursive: true, force: true });
process.exit(vitest.status ?? 1);
