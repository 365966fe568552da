import { describe, expect, it } from 'vitest';
import { describeCron } from './cron-words';

describe('cron in words', () => {
  it.each([
    ['*/5 * * * *', 'Every 5 minutes'],
    ['0 2 * * *', 'At 02:00'],
    ['0 9 * * MON-FRI', 'At 09:00, Monday through Friday'],
    ['*/10 * * * * *', 'Every 10 seconds'],
    ['0 30 2 1 * *', 'At 02:30, on day 1 of the month'],
    ['@daily', 'At 00:00'],
  ])('%s → %s', (cron, words) => {
    expect(describeCron(cron)).toEqual({ words, cron, valid: true });
  });

  it('says "Manual only" for a job without a schedule', () => {
    expect(describeCron(null)).toEqual({ words: 'Manual only', cron: null, valid: true });
    expect(describeCron('  ')).toMatchObject({ words: 'Manual only' });
  });

  it('does not throw on a cron it cannot read', () => {
    expect(describeCron('every tuesday')).toMatchObject({ valid: false, cron: 'every tuesday' });
  });
});
