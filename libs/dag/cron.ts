import { Cron } from 'croner';

export function isValidTimezone(timeZone: string): boolean {
  if (timeZone.length === 0) return false;
  try {
    new Intl.DateTimeFormat(undefined, { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Collapses the whitespace between cron fields, so equal schedules are stored equal. */
export function normalizeCron(expr: string): string {
  return expr.trim().split(/\s+/).join(' ');
}

/**
 * Why a cron expression cannot be used as a schedule, or null when it can.
 * The field count is checked here and not only by croner because croner also
 * accepts 7 fields (years) and nicknames (`@daily`), which the contract does not.
 */
export function cronProblem(expr: string, timezone: string): string | null {
  const normalized = normalizeCron(expr);
  const fieldCount = normalized === '' ? 0 : normalized.split(' ').length;
  if (fieldCount !== 5 && fieldCount !== 6) {
    return `must be a cron expression of 5 fields, or 6 with seconds (got ${fieldCount})`;
  }
  let cron: Cron;
  try {
    cron = new Cron(normalized, { timezone, paused: true, mode: '5-or-6-parts' });
  } catch (error) {
    const detail = error instanceof Error ? error.message.replace(/^CronPattern:\s*/, '') : String(error);
    return `is not a valid cron expression: ${detail}`;
  }
  // A pattern such as "0 0 31 2 *" parses but never fires; accepting it would make a job that silently never runs.
  if (cron.nextRun() === null) return 'never fires';
  return null;
}
