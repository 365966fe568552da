import { describe, expect, it } from 'vitest';
import { MAX_CATCH_UP_RUNS, planMissedFires } from './misfire';

const at = (iso: string) => new Date(iso);
const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

describe('planMissedFires', () => {
  // An hourly job whose planners were all down from 00:10 to 05:10: fires at 01:00 … 05:00 were missed.
  const cursor = at('2026-01-01T00:10:00Z');
  const boundary = at('2026-01-01T05:10:00Z');

  it.each([
    ['SKIP', [], 5],
    ['FIRE_ONCE', ['2026-01-01T05:00:00.000Z'], 4],
    [
      'CATCH_UP',
      [
        '2026-01-01T01:00:00.000Z',
        '2026-01-01T02:00:00.000Z',
        '2026-01-01T03:00:00.000Z',
        '2026-01-01T04:00:00.000Z',
        '2026-01-01T05:00:00.000Z',
      ],
      0,
    ],
  ] as const)('%s: makes runs for %j and counts %i skipped', (policy, fire, skipped) => {
    const plan = planMissedFires('0 * * * *', 'UTC', policy, cursor, boundary);
    expect(iso(plan.fire)).toEqual(fire);
    expect(plan.skipped).toBe(skipped);
    expect(plan.countCapped).toBe(false);
  });

  it.each(['SKIP', 'FIRE_ONCE', 'CATCH_UP'] as const)('%s: nothing missed, nothing to do', (policy) => {
    expect(planMissedFires('0 * * * *', 'UTC', policy, at('2026-01-01T05:00:00Z'), boundary)).toEqual({
      fire: [],
      skipped: 0,
      countCapped: false,
    });
  });

  it('does not count a fire at the boundary itself as missed: the new leader fires it on time', () => {
    const plan = planMissedFires('0 * * * *', 'UTC', 'CATCH_UP', cursor, at('2026-01-01T05:00:00Z'));
    expect(plan.fire.at(-1)?.toISOString()).toBe('2026-01-01T04:00:00.000Z');
  });

  it('catches up at most 1,000 runs, the newest, and counts the older ones as skipped', () => {
    // Per second for 1,200 s: 1,200 missed fires.
    const plan = planMissedFires(
      '* * * * * *',
      'UTC',
      'CATCH_UP',
      at('2026-01-01T00:00:00Z'),
      at('2026-01-01T00:20:00.500Z'),
    );
    expect(plan.fire).toHaveLength(MAX_CATCH_UP_RUNS);
    expect(plan.skipped).toBe(200);
    expect(plan.fire[0].toISOString()).toBe('2026-01-01T00:03:21.000Z');
    expect(plan.fire.at(-1)?.toISOString()).toBe('2026-01-01T00:20:00.000Z');
  });

  it('keeps wall-clock time across a daylight-saving change while it catches up', () => {
    const plan = planMissedFires(
      '30 2 * * *',
      'Europe/Berlin',
      'CATCH_UP',
      at('2026-03-27T12:00:00Z'),
      at('2026-03-30T12:00:00Z'),
    );
    expect(iso(plan.fire)).toEqual([
      '2026-03-28T01:30:00.000Z',
      '2026-03-29T01:00:00.000Z',
      '2026-03-30T00:30:00.000Z',
    ]);
  });
});
