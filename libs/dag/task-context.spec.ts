import { describe, expect, it } from 'vitest';
import { MAX_UPSTREAM_BYTES, taskContextSchema } from '../contracts/messages';
import type { StepDefinition } from './job-definition';
import { buildTaskContext, mergeParams } from './task-context';

const step: StepDefinition = {
  key: 'transform',
  handler: 'http',
  dependsOn: ['extract'],
  shards: 3,
  shardParams: ['a', 'b', 'c'],
  params: { url: 'http://x', region: 'step' },
  queue: 'default',
  retries: 0,
  retryBackoffMs: 1000,
  timeoutMs: null,
  triggerRule: 'ALL_SUCCESS',
};

describe('mergeParams', () => {
  it.each([
    ['no layers', [], {}],
    ['missing layers are skipped', [null, undefined, { a: 1 }], { a: 1 }],
    ['later layers win key by key', [{ a: 1, b: 1 }, { b: 2 }, { c: 3 }], { a: 1, b: 2, c: 3 }],
    ['shallow: nested objects are replaced, not merged', [{ o: { x: 1 } }, { o: { y: 2 } }], { o: { y: 2 } }],
  ])('%s', (_, layers, expected) => {
    expect(mergeParams(...layers)).toEqual(expected);
  });

  it('does not change its inputs', () => {
    const first = { a: 1 };
    mergeParams(first, { a: 2 });
    expect(first).toEqual({ a: 1 });
  });
});

const base = {
  taskId: 't-1',
  runId: 'r-1',
  jobName: 'nightly',
  step,
  shardIndex: 1,
  shardParam: 'b',
  attempt: 2,
  runParams: { region: 'run', scheduledAt: '2030-01-01T00:00:00.000Z' },
};

describe('buildTaskContext', () => {
  it('builds the contract context, step params over run params', () => {
    const context = buildTaskContext({ ...base, upstream: { extract: [1, { n: 2 }, null] } });
    expect(context).toEqual({
      taskId: 't-1',
      runId: 'r-1',
      jobName: 'nightly',
      stepKey: 'transform',
      shardIndex: 1,
      shardCount: 3,
      shardParam: 'b',
      attempt: 2,
      params: { region: 'step', scheduledAt: '2030-01-01T00:00:00.000Z', url: 'http://x' },
      upstream: { extract: [1, { n: 2 }, null] },
    });
    expect(taskContextSchema.safeParse(context).success).toBe(true);
  });

  // '{"s":["…"]}' is 10 bytes around the string.
  const upstreamOf = (bytes: number) => ({ s: ['x'.repeat(bytes - 10)] });

  it.each([
    ['no upstream', {}, true],
    ['exactly the limit', upstreamOf(MAX_UPSTREAM_BYTES), true],
    ['one byte over', upstreamOf(MAX_UPSTREAM_BYTES + 1), false],
  ])('upstream: %s', (_, upstream, included) => {
    const context = buildTaskContext({ ...base, upstream });
    expect(context.upstream).toEqual(included ? upstream : undefined);
    expect(context.upstreamOmitted).toBe(included ? undefined : true);
    expect(taskContextSchema.safeParse(context).success).toBe(true);
  });

  it('counts upstream size in UTF-8 bytes', () => {
    const context = buildTaskContext({
      ...base,
      upstream: { s: ['é'.repeat(MAX_UPSTREAM_BYTES / 2)] },
    });
    expect(context.upstreamOmitted).toBe(true);
  });
});
