import { describe, expect, it } from 'vitest';
import { makeWorkerId } from './worker-id';

describe('makeWorkerId', () => {
  it('is host-pid-8 hex, different each time', () => {
    const first = makeWorkerId('box', 1);
    expect(first).toMatch(/^box-1-[0-9a-f]{8}$/);
    expect(makeWorkerId('box', 1)).not.toBe(first);
  });
});
