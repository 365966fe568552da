/**
 * The load the chaos runs under: sharded steps, chains, long tasks and a per-second schedule,
 * every task an `http` call to one sink that records each execution (with its task context)
 * and fails some of them, seeded, so retries happen too. The sink never fails a task more often
 * than its step retries, so every run can succeed: a FAILED task is explained only by being lost
 * three times.
 */
import type { HttpSink, SinkCall } from '../support/http-sink';
import type { ShardflowApi } from '../support/shardflow-api';
import { hash01, Random } from './random';

export interface ChaosStep {
  key: string;
  dependsOn?: string[];
  shards: number;
  retries: number;
  /** Chance that the sink fails one attempt (while the task has retries left). */
  failRate: number;
  /** How long the sink takes to answer: the task's running time. */
  delayMs: [number, number];
}

export interface ChaosJob {
  name: string;
  /** Share of the manual triggers; 0 for the scheduled job. */
  weight: number;
  schedule?: string;
  steps: ChaosStep[];
}

const chain = ['a', 'b', 'c', 'd', 'e'];

export const CHAOS_JOBS: ChaosJob[] = [
  {
    name: 'chaos-fan',
    weight: 3,
    steps: [
      { key: 'split', shards: 1, retries: 1, failRate: 0.1, delayMs: [5, 50] },
      { key: 'fan', dependsOn: ['split'], shards: 12, retries: 3, failRate: 0.25, delayMs: [20, 300] },
      { key: 'join', dependsOn: ['fan'], shards: 1, retries: 2, failRate: 0.2, delayMs: [5, 50] },
    ],
  },
  {
    name: 'chaos-chain',
    weight: 3,
    steps: chain.map((key, i) => ({
      key,
      dependsOn: i === 0 ? undefined : [chain[i - 1]],
      shards: 1,
      retries: 2,
      failRate: 0.2,
      delayMs: [10, 200] as [number, number],
    })),
  },
  {
    name: 'chaos-long',
    weight: 2,
    steps: [
      { key: 'work', shards: 3, retries: 2, failRate: 0.2, delayMs: [800, 2500] },
      { key: 'done', dependsOn: ['work'], shards: 1, retries: 0, failRate: 0, delayMs: [5, 30] },
    ],
  },
  {
    name: 'chaos-tick',
    weight: 0,
    schedule: '* * * * * *',
    steps: [{ key: 'tick', shards: 1, retries: 2, failRate: 0.1, delayMs: [5, 100] }],
  },
];

export const SCHEDULED_JOB = 'chaos-tick';

/** One execution of a handler, as the sink saw it, and what the sink answered. */
export interface SinkExecution {
  taskId: string;
  attempt: number;
  runId: string;
  jobName: string;
  stepKey: string;
  shardIndex: number;
  status: 200 | 500;
  at: number;
}

export interface Trigger {
  n: number;
  job: string;
  at: number;
  runId: string | null;
  error: string | null;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const int = (v: unknown): number => (typeof v === 'number' && Number.isInteger(v) ? v : -1);

export class ChaosLoad {
  readonly executions: SinkExecution[] = [];
  readonly triggers: Trigger[] = [];
  private readonly failuresAnswered = new Map<string, number>();
  private readonly random: Random;
  private running: Promise<void> | null = null;
  private stopping = false;
  private wake: (() => void) | null = null;

  constructor(
    private readonly api: ShardflowApi,
    private readonly sink: HttpSink,
    private readonly options: { seed: number; triggerEveryMs: number; maxActiveRuns: number },
    private readonly activeRuns: () => Promise<number>,
  ) {
    this.random = new Random(options.seed ^ 0x9e3779b9);
  }

  async createJobs(): Promise<void> {
    for (const job of CHAOS_JOBS) {
      for (const step of job.steps) {
        this.sink.on(`/chaos/${job.name}/${step.key}`, (call) => this.answer(job, step, call));
      }
      await this.api.createJob({
        name: job.name,
        schedule: job.schedule,
        steps: job.steps.map((s) => ({
          key: s.key,
          handler: 'http',
          dependsOn: s.dependsOn,
          shards: s.shards,
          retries: s.retries,
          retryBackoffMs: 100,
          params: { url: `${this.sink.url}/chaos/${job.name}/${s.key}` },
        })),
      });
    }
  }

  /** Triggers runs of the manual jobs at seeded intervals until stopped. */
  start(): void {
    this.running ??= this.loop();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
  }

  async pauseSchedules(): Promise<void> {
    for (const job of CHAOS_JOBS.filter((j) => j.schedule)) {
      await this.api.request(`mutation($n: String!) { pauseJob(name: $n) { name } }`, { n: job.name });
    }
  }

  private async loop(): Promise<void> {
    const manual = CHAOS_JOBS.filter((j) => j.weight > 0);
    const total = manual.reduce((s, j) => s + j.weight, 0);
    let n = 0;
    while (!this.stopping) {
      await this.pause(this.random.between(0.5, 1.5) * this.options.triggerEveryMs);
      if (this.stopping) break;
      let roll = this.random.next() * total;
      const job = manual.find((j) => (roll -= j.weight) < 0) ?? manual[0];
      if ((await this.activeRuns().catch(() => Infinity)) >= this.options.maxActiveRuns) continue;
      const trigger: Trigger = { n: n++, job: job.name, at: Date.now(), runId: null, error: null };
      this.triggers.push(trigger);
      try {
        trigger.runId = await this.api.trigger(job.name, { chaosRun: trigger.n });
      } catch (err) {
        trigger.error = (err as Error).message;
      }
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  /** The sink's answer: a seeded delay, and a seeded failure while the task has retries left. */
  private answer(job: ChaosJob, step: ChaosStep, call: SinkCall): { status: number; json: unknown; delayMs: number } {
    const body = call.body;
    const params = (body.params ?? {}) as Record<string, unknown>;
    const runKey = String(params.chaosRun ?? params.scheduledAt ?? text(body.runId));
    const taskId = text(body.taskId);
    const attempt = int(body.attempt);
    const shardIndex = int(body.shardIndex);
    const seed = this.options.seed;
    const [min, max] = step.delayMs;
    const delayMs = Math.round(min + hash01(seed, 'delay', job.name, runKey, step.key, shardIndex) * (max - min));
    const failures = this.failuresAnswered.get(taskId) ?? 0;
    const fail =
      failures < step.retries && hash01(seed, 'fail', job.name, runKey, step.key, shardIndex, attempt) < step.failRate;
    if (fail) this.failuresAnswered.set(taskId, failures + 1);
    const status = fail ? 500 : 200;
    this.executions.push({
      taskId,
      attempt,
      runId: text(body.runId),
      jobName: job.name,
      stepKey: step.key,
      shardIndex,
      status,
      at: call.at,
    });
    return fail
      ? { status, json: { error: `chaos: planned failure of attempt ${attempt}` }, delayMs }
      : { status, json: { ok: true, shard: shardIndex }, delayMs };
  }
}
