import type { JobDefinition } from '../../libs/dag/job-definition';
import { nextFire } from '../../libs/schedule/cron-schedule';

export interface ScheduledJob {
  jobId: string;
  name: string;
  version: number;
  definition: JobDefinition;
  /** Fires at or before this were handled. */
  cursor: Date;
  /** The first fire after the cursor, or null when the schedule never fires again. */
  nextAt: Date | null;
}

/**
 * The leader's view of every live, unpaused, scheduled job: what fires next. Reloaded from
 * PostgreSQL whenever the api says jobs changed, so a pause or a new schedule takes effect at once.
 */
export class ScheduleBook {
  private jobs = new Map<string, ScheduledJob>();

  replace(jobs: Array<Omit<ScheduledJob, 'nextAt'>>): void {
    this.jobs = new Map(jobs.map((j) => [j.jobId, { ...j, nextAt: this.nextAfter(j.definition, j.cursor) }]));
  }

  /** Jobs with a fire at or before `now`. */
  due(now: Date): ScheduledJob[] {
    return [...this.jobs.values()].filter((j) => j.nextAt !== null && j.nextAt <= now);
  }

  earliest(): Date | null {
    let earliest: Date | null = null;
    for (const j of this.jobs.values()) if (j.nextAt && (!earliest || j.nextAt < earliest)) earliest = j.nextAt;
    return earliest;
  }

  advance(jobId: string, cursor: Date): void {
    const job = this.jobs.get(jobId);
    if (!job || job.cursor >= cursor) return;
    job.cursor = cursor;
    job.nextAt = this.nextAfter(job.definition, cursor);
  }

  private nextAfter(definition: JobDefinition, cursor: Date): Date | null {
    return definition.schedule ? nextFire(definition.schedule, definition.timezone, cursor) : null;
  }
}
