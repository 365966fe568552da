/**
 * The chaos suite (issue 4): kill -9 and SIGTERM workers, kill -9 and SIGSTOP the leader,
 * restart NATS, all under a mixed load; then every run must have finished exactly once.
 * `npm test` runs the bounded form (CHAOS_PROFILE=ci); `npm run chaos` the long one.
 * CHAOS_SEED repeats a schedule; CHAOS_KILLS and CHAOS_SECONDS bound it.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { natsServerAvailable } from '../bus/nats-server-process';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { chaosOptions } from './chaos-options';
import { runChaos } from './chaos-suite';
import { chaosChecks, chaosTable } from './chaos-table';

const options = chaosOptions();
// Setup, the chaos window, the drain and the audit, with room to spare.
const budgetMs = (options.seconds + options.drainSeconds) * 1000 + 180_000;
const log = (line: string) => process.stdout.write(`${line}\n`);
let db: TestDatabase;

beforeAll(async () => {
  // The suite restarts its NATS server, so it needs a binary of its own (never the shared server).
  if (!natsServerAvailable())
    throw new Error('the chaos suite needs a nats-server binary on PATH (or NATS_SERVER_BIN)');
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.drop();
});

describe('chaos', () => {
  it(
    `loses no run and completes no task twice through kills, stops and NATS restarts (seed ${options.seed})`,
    async () => {
      const { report, logDir } = await runChaos(options, db, log);
      const table = chaosTable(report);
      log(`\n${table}\n`);
      if (report.evidence.length) log(`evidence:\n  ${report.evidence.join('\n  ')}\n`);
      if (report.observations.length) log(`observations:\n  ${report.observations.join('\n  ')}\n`);
      if (logDir) log(`process logs: ${logDir}`);
      if (options.reportPath) {
        writeFileSync(
          options.reportPath,
          [
            table,
            ...(report.evidence.length ? ['', 'evidence:', ...report.evidence] : []),
            ...(report.observations.length ? ['', 'observations:', ...report.observations] : []),
            ...(logDir ? [`process logs: ${logDir}`] : []),
          ].join('\n') + '\n',
        );
      }
      const failed = chaosChecks(report).filter((c) => !c.ok);
      expect(
        failed.map((c) => `${c.what}: ${c.value} (must be ${c.must})`),
        `chaos seed ${options.seed} (rerun with CHAOS_SEED=${options.seed}):\n${table}\n${report.evidence.join('\n')}`,
      ).toEqual([]);
    },
    budgetMs,
  );
});
