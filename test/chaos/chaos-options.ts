/**
 * What one chaos run does and for how long, from the environment:
 *
 *   CHAOS_PROFILE  ci (default: the bounded form `npm test` runs) or full (`npm run chaos`)
 *   CHAOS_SEED     the seed (decimal); printed at start, so a failing run can be repeated
 *   CHAOS_KILLS    at most this many disruptions (kill -9, SIGTERM, SIGSTOP, NATS restarts)
 *   CHAOS_SECONDS  at most this long of chaos (the load runs as long); then every run must finish
 *   CHAOS_DRAIN_SECONDS  how long the runs may take to finish once the chaos stopped
 *   CHAOS_REPORT   a file to write the table to (besides printing it)
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
  /** A SIGSTOPped leader is continued this long after its successor took over. */
  stopHoldMs: [number, number];
  reportPath: string | null;
}

const PROFILES: Record<ChaosOptions['profile'], Pick<ChaosOptions, 'kills' | 'seconds' | 'drainSeconds'>> = {
  // A handful of each kind in a bit over a minute: what CI runs on every push.
  ci: { kills: 16, seconds: 75, drainSeconds: 150 },
  // Several hundred disruptions over ten minutes.
  full: { kills: 300, seconds: 600, drainSeconds: 300 },
};

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer (got "${value}")`);
  return n;
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
    weights: {
      'kill-worker': 0.38,
      'term-worker': 0.17,
      'kill-leader': 0.2,
      'stop-leader': 0.12,
      'restart-nats': 0.13,
    },
    triggerEveryMs: 900,
    maxActiveRuns: 6,
    leaseMs: 2000,
    workerTimeoutMs: 2000,
    workerStopGraceMs: 1000,
    workerConcurrency: 8,
    workerRestartMs: [200, 2500],
    stopHoldMs: [0, 1500],
    reportPath: env.CHAOS_REPORT?.trim() || null,
  };
}
