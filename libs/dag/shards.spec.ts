import { describe, expect, it } from 'vitest';
import { expandShards } from './shards';

describe('expandShards', () => {
  it.each([
    ['one shard, no params', { shards: 1, shardParams: null }, [{ shardIndex: 0, shardParam: null }]],
    [
      'three shards, no params',
      { shards: 3, shardParams: null },
      [0, 1, 2].map((shardIndex) => ({ shardIndex, shardParam: null })),
    ],
    [
      'params by index',
      { shards: 3, shardParams: ['Beijing', 'Paris', ''] },
      [
        { shardIndex: 0, shardParam: 'Beijing' },
        { shardIndex: 1, shardParam: 'Paris' },
        { shardIndex: 2, shardParam: '' },
      ],
    ],
  ])('%s', (_, step, expected) => {
    expect(expandShards(step)).toEqual(expected);
  });

  it('expands a 2000-shard step in order with its params', () => {
    const shardParams = Array.from({ length: 2000 }, (_, i) => `p${i}`);
    const shards = expandShards({ shards: 2000, shardParams });
    expect(shards).toHaveLength(2000);
    expect(shards.every((s, i) => s.shardIndex === i && s.shardParam === `p${i}`)).toBe(true);
  });
});
