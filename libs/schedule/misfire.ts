/**
 * What happens to fires whose time passed while no planner led (all planners down, or a
 * lease gap). Pure: the planner leader calls it once per job when it takes over.
 */
import type { MisfirePolicy } from '../dag/job-definition';
import { firesBetween, latestFires } from './cron-schedule';

/** CATCH_UP makes at most this many runs (the newest); older missed fires count as skipped. */
export const MAX_CATCH_UP_RUNS = 1000;
/**
 * Missed fires are counted one by one (cron has no closed form); past this many the count
 * stops, so that a per-second schedule after a month-long outage cannot stall a takeover.
 */
export const MAX_COUNTED_MISSES = 100_000;

export interface MissedFirePlan {
  /** Fire times to make runs for, oldest first. */
  fire: Date[];
  /** Missed fires that make no run (counted in JobStats.skippedFires). */
  skipped: number;
  /** True when there were more missed fires than could be counted. */
  countCapped: boolean;
}

/** Fires in (cursor, boundary): the ones no leader made, decided by the job's misfire policy. */
export function planMissedFires(
  schedule: string,
  timezone: string,
  policy: MisfirePolicy,
  cursor: Date,
  boundary: Date,
): MissedFirePlan {
  const lastMissed = new Date(boundary.getTime() - 1);
  const counted = firesBetween(schedule, timezone, cursor, lastMissed, MAX_COUNTED_MISSES);
  const total = counted.fires.length;
  const countCapped = counted.more;
  if (total === 0) return { fire: [], skipped: 0, countCapped };
  switch (policy) {
    case 'SKIP':
      return { fire: [], skipped: total, countCapped };
    case 'FIRE_ONCE': {
      const latest = countCapped ? latestFires(schedule, timezone, cursor, lastMissed, 1) : counted.fires.slice(-1);
      return { fire: latest, skipped: total - 1, countCapped };
    }
    case 'CATCH_UP': {
      const newest = countCapped
        ? latestFires(schedule, timezone, cursor, lastMissed, MAX_CATCH_UP_RUNS)
        : counted.fires.slice(-MAX_CATCH_UP_RUNS);
      return { fire: newest, skipped: Math.max(0, total - newest.length), countCapped };
    }
  }
}
