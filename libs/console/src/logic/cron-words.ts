import cronstrue from 'cronstrue';

export interface ScheduleWords {
  /** `Every 5 minutes`, `At 02:00, Monday through Friday`, or `Manual only`. */
  words: string;
  /** The cron as written, or null for a job with no schedule. */
  cron: string | null;
  /** False when the text could not be read (the API refuses such a cron; this guards old data). */
  valid: boolean;
}

/**
 * A cron in words. Five fields, or six with seconds first (as the scheduler reads them), and
 * the `@daily`-style nicknames. Times are in the job's own time zone, which the caller shows.
 */
export function describeCron(cron: string | null | undefined): ScheduleWords {
  const text = cron?.trim() ?? '';
  if (!text) return { words: 'Manual only', cron: null, valid: true };
  try {
    const words = cronstrue.toString(text, {
      use24HourTimeFormat: true,
      verbose: false,
      throwExceptionOnParseError: true,
    });
    return { words, cron: text, valid: true };
  } catch {
    return { words: `Unreadable schedule "${text}"`, cron: text, valid: false };
  }
}
