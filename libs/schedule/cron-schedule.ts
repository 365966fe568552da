/**
 * Fire times of a job's schedule: a cron of 5 fields (or 6 with seconds) in an IANA time zone,
 * computed by croner, which places each fire on the wall clock of that zone — a 02:30 fire
 * on a spring-forward day (02:30 does not exist) fires once, at the first instant after the
 * gap; on a fall-back day (02:30 happens twice) it fires once, at the first 02:30.
 */
import { Cron } from 'croner';

const cache = new Map<string, Cron>();

/** Croner objects are costly to build and immutable once paused: one per (schedule, zone). */
function cronOf(schedule: string, timezone: string): Cron {
  const key = `${timezone} ${schedule}`;
  let cron = cache.get(key);
  if (!cron) {
    cron = new Cron(schedule, { timezone, paused: true, mode: '5-or-6-parts' });
    if (cache.size > 10_000) cache.clear();
    cache.set(key, cron);
  }
  return cron;
}

/** The first fire strictly after `after`, or null when the schedule never fires again. */
export function nextFire(schedule: string, timezone: string, after: Date): Date | null {
  return cronOf(schedule, timezone).nextRun(after);
}

/**
 * Fires in (after, until], oldest first, at most `limit` of them; `more` says whether fires
 * beyond the limit exist in the window.
 */
export function firesBetween(
  schedule: string,
  timezone: string,
  after: Date,
  until: Date,
  limit: number,
): { fires: Date[]; more: boolean } {
  const cron = cronOf(schedule, timezone);
  const fires: Date[] = [];
  let cursor: Date | null = after;
  for (;;) {
    cursor = cron.nextRun(cursor);
    if (!cursor || cursor > until) return { fires, more: false };
    if (fires.length === limit) return { fires, more: true };
    fires.push(cursor);
  }
}

/** The newest `count` fires at or before `until` and after `after`, oldest first. */
export function latestFires(schedule: string, timezone: string, after: Date, until: Date, count: number): Date[] {
  if (count <= 0) return [];
  // previousRuns looks strictly before its date: step 1 ms past `until` so a fire at `until` counts.
  const previous = cronOf(schedule, timezone).previousRuns(count, new Date(until.getTime() + 1));
  return previous.filter((d) => d > after && d <= until).reverse();
}
