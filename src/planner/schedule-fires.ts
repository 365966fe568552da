import type { EntityManager } from 'typeorm';
import { mergeParams } from '../../libs/dag/task-context';
import { firesBetween } from '../../libs/schedule/cron-schedule';
import { planMissedFires } from '../../libs/schedule/misfire';
import type { ScheduleBook, ScheduledJob } from './schedule-book';
import { activeRunsOf, advanceCursors, insertFireRuns, requestCancels, type FireRow } from './sql/fire-rows.sql';

/** Fires made for one job in one turn at most; more means the leader was far behind. */
const MAX_FIRES_PER_TURN = 1000;

export interface FireOutcome {
  runsMade: number;
  skipped: number;
  /** Fire time → actual time, for jitter measurements in logs. */
  fired: Array<{ job: string; scheduledAt: Date }>;
}

/**
 * Makes the runs of every due schedule fire. Fires before `leaderSince` were missed (no
 * leader ran then) and follow the job's misfire policy; fires from then on are on time.
 * The job's concurrency policy looks at the runs active before this turn: fires handled in
 * the same turn count as one fire, so a catch-up batch is made (or skipped) as a whole.
 */
export async function applyScheduleFires(
  tx: EntityManager,
  book: ScheduleBook,
  now: Date,
  leaderSince: Date,
): Promise<FireOutcome> {
  const due = book.due(now);
  if (due.length === 0) return { runsMade: 0, skipped: 0, fired: [] };
  const active = await activeRunsOf(
    tx,
    due.map((j) => j.jobId),
  );
  const fires: FireRow[] = [];
  const cursors: Array<{ jobId: string; cursor: Date; skipped: number }> = [];
  const toCancel: string[] = [];
  const outcome: FireOutcome = { runsMade: 0, skipped: 0, fired: [] };
  for (const job of due) {
    const { times, skipped } = fireTimes(job, now, leaderSince);
    let made = times;
    let skippedHere = skipped;
    const activeRuns = active.filter((r) => r.jobId === job.jobId).map((r) => r.id);
    if (times.length && activeRuns.length) {
      if (job.definition.concurrencyPolicy === 'FORBID') {
        skippedHere += times.length;
        made = [];
      } else if (job.definition.concurrencyPolicy === 'REPLACE') {
        toCancel.push(...activeRuns);
      }
    }
    for (const at of made) {
      fires.push({
        jobId: job.jobId,
        jobName: job.name,
        jobVersion: job.version,
        scheduledAt: at,
        params: JSON.stringify(mergeParams(job.definition.params, { scheduledAt: at.toISOString() })),
      });
      outcome.fired.push({ job: job.name, scheduledAt: at });
    }
    cursors.push({ jobId: job.jobId, cursor: now, skipped: skippedHere });
    outcome.skipped += skippedHere;
  }
  await requestCancels(tx, toCancel, now);
  outcome.runsMade = await insertFireRuns(tx, fires, now);
  await advanceCursors(tx, cursors);
  for (const c of cursors) book.advance(c.jobId, c.cursor);
  return outcome;
}

function fireTimes(job: ScheduledJob, now: Date, leaderSince: Date): { times: Date[]; skipped: number } {
  const { schedule, timezone, misfirePolicy } = job.definition;
  if (!schedule) return { times: [], skipped: 0 };
  let times: Date[] = [];
  let skipped = 0;
  let onTimeAfter = job.cursor;
  if (job.cursor < leaderSince) {
    const missed = planMissedFires(schedule, timezone, misfirePolicy, job.cursor, leaderSince);
    times = missed.fire;
    skipped = missed.skipped;
    onTimeAfter = new Date(leaderSince.getTime() - 1);
  }
  const onTime = firesBetween(schedule, timezone, onTimeAfter, now, MAX_FIRES_PER_TURN);
  return { times: [...times, ...onTime.fires], skipped };
}
