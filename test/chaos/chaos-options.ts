/**
 * What one chaos run does and for how long, from the environment:
 *
 *   CHAOS_PROFILE  ci (default: the bounded form `npm test` runs) or full (`npm run chaos`)
 *   CHAOS_SEED     the seed (decimal); printed at start, so a failing run can be repeated
 *   CHAOS_KILLS    at most this many disruptions (kill -9, SIGTERM, SIGSTOP, NATS restarts)
 *   CHAOS_SECONDS  at most this long of chaos (the load runs as long); then every run must finish
 *   CHAOS_DRAIN_SECONDS  how long the runs may take to finish once the chaos stopped
 *   CHAOS_KINDS    only these disruptions (comma list of kill-worker, term-worker, kill-leader,
 *                  stop-leader, restart-nats), to chase one failure
 *   CHAOS_REPORT   a file to write the table to (besides printing it)
 *   CHAOS_KEEP_LOGS=1  keep the processes' logs even when every check holds (they are kept when one fails)
 */
import { seedFrom } from './random';

export const CHAOS_KINDS = ['kill-worker', 'term-worker', 'kill-leader', 'stop-leader', 'restart-nats'] as const;
export type ChaosKind = (typeof CHAOS_KINDS)[number];

export const KIND_LABELS: Record<ChaosKind, string> = {
  'kill-worker': 'kill -9 worker',
  'term-worker': 'SIGTERM worker',
  'kill-leader': 'kill -9 leader',
  'stop-leader': 'SIGSTOP leader',
  'restart-nats': 'NATS restart',
};

export interface ChaosOptions {
  profile: 'ci' | 'full';
  seed: number;
  kills: number;
  seconds: number;
  drainSeconds: number;
  /** Share of each kind of disruption in the schedule. */
  weights: Record<ChaosKind, number>;
  /** Mean time between two manual triggers of the load. */
  triggerEveryMs: number;
  /** The load waits while this many manual runs are active (a 2-core machine runs everything). */
  maxActiveRuns: number;
  leaseMs: number;
  workerTimeoutMs: number;
  workerStopGraceMs: number;
  workerConcurrency: number;
  /** A killed or stopped worker is started again after a delay in this range. */
  workerRestartMs: [number, number];
  /** Least time between the end of one disruption and the start of the next. */
  minGapMs: number;
  /** A SIGSTOPped leader is continued this long after its successor took over. */
  stopHoldMs: [number, number];
  reportPath: string | null;
  /** Keep the processes' logs even when every check holds. */
  keepLogs: boolean;
}

const PROFILES: Record<ChaosOptions['profile'], Pick<ChaosOptions, 'kills' | 'seconds' | 'drainSeconds'>> = {
  // A handful of each kind in a bit over a minute: what CI runs on every push.
  ci: { kills: 16, seconds: 75, drainSeconds: 150 },
  // Several hundred disruptions over a quarter of an hour.
  full: { kills: 300, seconds: 900, drainSeconds: 300 },
};

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer (got "${value}")`);
  return n;
}

const WEIGHTS: Record<ChaosKind, number> = {
  'kill-worker': 0.4,
  'term-worker': 0.2,
  'kill-leader': 0.15,
  'stop-leader': 0.1,
  'restart-nats': 0.15,
};

function weights(only: string | undefined): Record<ChaosKind, number> {
  if (!only?.trim()) return WEIGHTS;
  const kinds = only.split(',').map((k) => k.trim());
  const unknown = kinds.find((k) => !(CHAOS_KINDS as readonly string[]).includes(k));
  if (unknown !== undefined) throw new Error(`CHAOS_KINDS: unknown kind "${unknown}" (use ${CHAOS_KINDS.join(', ')})`);
  return Object.fromEntries(CHAOS_KINDS.map((k) => [k, kinds.includes(k) ? WEIGHTS[k] : 0])) as Record<
    ChaosKind,
    number
  >;
}

export function chaosOptions(env: NodeJS.ProcessEnv = process.env): ChaosOptions {
  const profileName = env.CHAOS_PROFILE?.trim() || 'ci';
  if (profileName !== 'ci' && profileName !== 'full') {
    throw new Error(`CHAOS_PROFILE must be ci or full (got "${profileName}")`);
  }
  const profile = PROFILES[profileName];
  return {
    profile: profileName,
    seed: seedFrom(env.CHAOS_SEED),
    kills: positiveInt('CHAOS_KILLS', env.CHAOS_KILLS, profile.kills),
    seconds: positiveInt('CHAOS_SECONDS', env.CHAOS_SECONDS, profile.seconds),
    drainSeconds: positiveInt('CHAOS_DRAIN_SECONDS', env.CHAOS_DRAIN_SECONDS, profile.drainSeconds),
    weights: weights(env.CHAOS_KINDS),
    triggerEveryMs: 900,
    maxActiveRuns: 6,
    leaseMs: 2000,
    workerTimeoutMs: 2000,
    workerStopGraceMs: 1000,
    workerConcurrency: 8,
    workerRestartMs: [200, 2500],
    stopHoldMs: [0, 1500],
    minGapMs: 1000,
    reportPath: env.CHAOS_REPORT?.trim() || null,
    keepLogs: env.CHAOS_KEEP_LOGS === '1',
  };
}
