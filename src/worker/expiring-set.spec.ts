import { describe, expect, it } from 'vitest';
import { ExpiringSet } from './expiring-set';

describe('ExpiringSet', () => {
  it('holds a key until its time passes', () => {
    let now = 0;
    const set = new ExpiringSet(100, 10, () => now);
    set.add('a');
    now = 99;
    expect(set.has('a')).toBe(true);
    now = 100;
    expect(set.has('a')).toBe(false);
    expect(set.size).toBe(0);
  });

  it('renews a key added again', () => {
    let now = 0;
    const set = new ExpiringSet(100, 10, () => now);
    set.add('a');
    now = 50;
    set.add('a');
    now = 120;
    expect(set.has('a')).toBe(true);
  });

  it('drops the oldest keys past its size, and expired ones as it goes', () => {
    let now = 0;
    const set = new ExpiringSet(100, 2, () => now);
    set.add('a');
    set.add('b');
    set.add('c');
    expect([set.has('a'), set.has('b'), set.has('c')]).toEqual([false, true, true]);
    now = 150;
    set.add('d');
    expect(set.size).toBe(1);
  });
});
