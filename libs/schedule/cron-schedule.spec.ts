import { describe, expect, it } from 'vitest';
import { firesBetween, latestFires, nextFire } from './cron-schedule';

const at = (iso: string) => new Date(iso);

describe('nextFire', () => {
  it.each([
    // schedule, zone, after, expected next fire (UTC)
    ['0 9 * * *', 'UTC', '2026-06-01T08:00:00Z', '2026-06-01T09:00:00.000Z'],
    ['0 9 * * *', 'UTC', '2026-06-01T09:00:00Z', '2026-06-02T09:00:00.000Z'],
    ['0 9 * * *', 'Asia/Shanghai', '2026-06-01T00:00:00Z', '2026-06-01T01:00:00.000Z'],
    ['0 9 * * *', 'America/New_York', '2026-01-15T00:00:00Z', '2026-01-15T14:00:00.000Z'],
    ['0 9 * * *', 'America/New_York', '2026-07-15T00:00:00Z', '2026-07-15T13:00:00.000Z'],
    ['0 9 * * *', 'Asia/Kolkata', '2026-06-01T00:00:00Z', '2026-06-01T03:30:00.000Z'],
    ['30 0 1 * *', 'Australia/Sydney', '2026-06-15T00:00:00Z', '2026-06-30T14:30:00.000Z'],
    // 6 fields: seconds first.
    ['*/15 * * * * *', 'UTC', '2026-06-01T00:00:01Z', '2026-06-01T00:00:15.000Z'],
    ['5 0 12 * * *', 'Europe/Berlin', '2026-06-01T00:00:00Z', '2026-06-01T10:00:05.000Z'],
    // Weekdays only: Friday evening to Monday morning.
    ['0 8 * * 1-5', 'UTC', '2026-06-05T09:00:00Z', '2026-06-08T08:00:00.000Z'],
  ])('%s in %s after %s is %s', (schedule, zone, after, expected) => {
    expect(nextFire(schedule, zone, at(after))?.toISOString()).toBe(expected);
  });
});

describe('daylight-saving changes (Europe/Berlin: 29 Mar 2026 02:00→03:00, 25 Oct 2026 03:00→02:00)', () => {
  it.each([
    [
      'spring forward: a 02:30 fire on a day without 02:30 fires once, at 03:00 local',
      '30 2 * * *',
      '2026-03-28T00:00:00Z',
      '2026-03-31T00:00:00Z',
      ['2026-03-28T01:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z'],
    ],
    [
      'fall back: a 02:30 fire on a day with two 02:30s fires once',
      '30 2 * * *',
      '2026-10-24T00:00:00Z',
      '2026-10-27T00:00:00Z',
      ['2026-10-24T00:30:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z'],
    ],
    [
      'hourly across spring forward: no fire for the missing hour',
      '0 * * * *',
      '2026-03-29T00:00:00Z',
      '2026-03-29T02:00:00Z',
      ['2026-03-29T01:00:00.000Z', '2026-03-29T02:00:00.000Z'],
    ],
  ])('%s', (_what, schedule, after, until, expected) => {
    const { fires } = firesBetween(schedule, 'Europe/Berlin', at(after), at(until), 100);
    expect(fires.map((d) => d.toISOString())).toEqual(expected);
  });
});

describe('firesBetween and latestFires', () => {
  it('lists fires in (after, until], oldest first, and says when the limit cut it', () => {
    const all = firesBetween('* * * * * *', 'UTC', at('2026-01-01T00:00:00Z'), at('2026-01-01T00:00:05Z'), 10);
    expect(all.fires.map((d) => d.toISOString().slice(17, 19))).toEqual(['01', '02', '03', '04', '05']);
    expect(all.more).toBe(false);
    const cut = firesBetween('* * * * * *', 'UTC', at('2026-01-01T00:00:00Z'), at('2026-01-01T00:00:05Z'), 3);
    expect(cut.fires).toHaveLength(3);
    expect(cut.more).toBe(true);
  });

  it('gives the newest fires up to and including `until`, after `after`, oldest first', () => {
    const latest = latestFires('0 * * * *', 'UTC', at('2026-01-01T00:00:00Z'), at('2026-01-01T05:00:00Z'), 2);
    expect(latest.map((d) => d.toISOString())).toEqual(['2026-01-01T04:00:00.000Z', '2026-01-01T05:00:00.000Z']);
    expect(latestFires('0 * * * *', 'UTC', at('2026-01-01T04:30:00Z'), at('2026-01-01T05:00:00Z'), 5)).toHaveLength(1);
  });
});
