import { ManualClock } from '../../src/clock/clock.port';
import { startShardflow, type Shardflow } from '../../src/bootstrap';
import { loadConfig } from '../../src/config/app-config';
import { PlannerService } from '../../src/planner/planner.service';
import { NATS_URL, uniqueNatsPrefix } from '../support/services';
import { ShardflowApi } from '../support/shardflow-api';
import { eventually } from '../support/wait';

/**
 * Every role in this process on a test database and the real NATS, with a clock the test
 * moves. The lease is a day long so that jumping hours ahead does not depose the leader;
 * an outage is simulated by stopping the process, moving time, and starting a new one.
 */
export class ScheduleHarness {
  readonly clock: ManualClock;
  private readonly prefix = uniqueNatsPrefix();
  shardflow: Shardflow | null = null;
  api!: ShardflowApi;

  constructor(
    private readonly databaseUrl: string,
    start: Date,
  ) {
    this.clock = new ManualClock(start);
  }

  async start(): Promise<void> {
    const config = loadConfig(
      {
        DATABASE_URL: this.databaseUrl,
        NATS_URL,
        SHARDFLOW_NATS_PREFIX: this.prefix,
        PORT: '0',
        SHARDFLOW_LEASE_MS: '86400000',
      },
      [],
    );
    this.shardflow = await startShardflow(config, { clock: this.clock, logger: false });
    this.api = new ShardflowApi(this.shardflow.httpUrl as string);
    const planner = this.shardflow.app.get(PlannerService);
    await eventually(async () => (planner.leading ? true : undefined), { what: 'this planner to lead' });
  }

  async stop(): Promise<void> {
    await this.shardflow?.close();
    this.shardflow = null;
  }

  /** Moves time and tells the leader to look at once (it would otherwise sleep on a real timer). */
  advance(ms: number): void {
    this.clock.advance(ms);
    this.shardflow?.app.get(PlannerService).wake();
  }

  async runsOf(job: string): Promise<Array<{ id: string; status: string; trigger: string; scheduledAt: string }>> {
    const { runs } = await this.api.request<{
      runs: Array<{ id: string; status: string; trigger: string; scheduledAt: string }>;
    }>(`query($job: String!) { runs(jobName: $job, limit: 10000) { id status trigger scheduledAt } }`, { job });
    return runs.sort((a, b) => a.scheduledAt.localeCompare(b.scheduledAt));
  }

  /** Waits until the job has exactly `count` runs, asking the leader to look each time. */
  async untilRuns(job: string, count: number) {
    return eventually(
      async () => {
        this.shardflow?.app.get(PlannerService).wake();
        const runs = await this.runsOf(job);
        return runs.length === count ? runs : undefined;
      },
      { what: `${count} runs of ${job}` },
    );
  }

  async stats(job: string): Promise<{ runs: number; skippedFires: number }> {
    const data = await this.api.request<{ job: { stats: { runs: number; skippedFires: number } } }>(
      `query($job: String!) { job(name: $job) { stats { runs skippedFires } } }`,
      { job },
    );
    return data.job.stats;
  }
}
