import { describe, expect, it } from 'vitest';
import { JobValidationError, normalizeJobInput, validateRunParams } from './validate-job';
import { big, job, messageOf, step } from './validate-job.fixtures';

describe('normalizeJobInput: defaults', () => {
  it('fills every default of a minimal job', () => {
    expect(normalizeJobInput({ name: 'j', steps: [{ key: 'a', handler: 'noop' }] })).toEqual({
      name: 'j',
      description: null,
      schedule: null,
      timezone: 'UTC',
      steps: [
        {
          key: 'a',
          handler: 'noop',
          dependsOn: [],
          shards: 1,
          shardParams: null,
          params: null,
          queue: 'default',
          retries: 0,
          retryBackoffMs: 1000,
          timeoutMs: null,
          triggerRule: 'ALL_SUCCESS',
        },
      ],
      params: null,
      concurrencyPolicy: 'ALLOW',
      misfirePolicy: 'FIRE_ONCE',
      maxActiveRuns: null,
      paused: false,
    });
  });

  it('treats explicit nulls like absent fields', () => {
    const nulls = Object.fromEntries(
      [
        'description',
        'schedule',
        'timezone',
        'params',
        'concurrencyPolicy',
        'misfirePolicy',
        'maxActiveRuns',
        'paused',
      ].map((k) => [k, null]),
    );
    const stepNulls = Object.fromEntries(
      [
        'dependsOn',
        'shards',
        'shardParams',
        'params',
        'queue',
        'retries',
        'retryBackoffMs',
        'timeoutMs',
        'triggerRule',
      ].map((k) => [k, null]),
    );
    expect(normalizeJobInput(job(nulls, [step('a', stepNulls)]))).toEqual(normalizeJobInput(job()));
  });

  it('keeps every given value', () => {
    const input = {
      name: 'etl.daily-v2',
      description: 'loads things',
      schedule: ' 0  5 * * 1-5 ',
      timezone: 'Asia/Shanghai',
      params: { region: 'cn' },
      concurrencyPolicy: 'FORBID',
      misfirePolicy: 'CATCH_UP',
      maxActiveRuns: 2,
      paused: true,
      steps: [
        step('extract', {
          shards: 3,
          shardParams: ['a', 'b', 'c'],
          queue: 'io_1',
          retries: 2,
          retryBackoffMs: 0,
        }),
        step('load', {
          dependsOn: ['extract'],
          timeoutMs: 60_000,
          triggerRule: 'ALL_DONE',
          params: { n: 1 },
        }),
      ],
    };
    const def = normalizeJobInput(input);
    expect(def).toMatchObject({ ...input, schedule: '0 5 * * 1-5' });
    expect(def.steps[1].dependsOn).toEqual(['extract']);
  });

  it('detaches params from the input and keeps only JSON', () => {
    const params = { a: 1, gone: undefined };
    const def = normalizeJobInput(job({ params }));
    params.a = 2;
    expect(def.params).toEqual({ a: 1 });
    expect(Object.keys(def.params ?? {})).toEqual(['a']);
  });

  it.each([
    ['5 fields', '*/5 * * * *'],
    ['6 fields with seconds', '30 0 12 * * MON-FRI'],
    ['timezone beside it', '0 9 * * *'],
  ])('accepts a schedule of %s', (_, schedule) => {
    expect(messageOf(job({ schedule, timezone: 'Europe/Berlin' }))).toBe('accepted');
  });

  it('accepts a 1000-step chain and the largest limits', () => {
    const steps = Array.from({ length: 1000 }, (_, i) =>
      step(
        `s${i}`,
        i === 0
          ? { shards: 100_000, retries: 100, retryBackoffMs: 86_400_000, timeoutMs: 604_800_000 }
          : { dependsOn: [`s${i - 1}`] },
      ),
    );
    expect(normalizeJobInput(job({ maxActiveRuns: 1 }, steps)).steps).toHaveLength(1000);
  });
});

describe('normalizeJobInput: the first problem in document order wins', () => {
  it.each<[string, unknown, string]>([
    ['name before steps', { name: 'BAD', steps: [] }, 'name: must match [a-z0-9_.-]{1,128}'],
    [
      'schedule before timezone',
      job({ schedule: 'x', timezone: 'Nowhere/Land' }),
      'schedule: must be a cron expression of 5 fields, or 6 with seconds (got 1)',
    ],
    ['timezone before steps', job({ timezone: 'Nowhere/Land' }, []), 'timezone: is not a valid IANA time zone'],
    [
      'steps before params',
      job({ params: 3 }, [step('a', { shards: 0 })]),
      'steps[0].shards: must be an integer from 1 to 100000',
    ],
    [
      'an earlier step before a later one, graph or schema',
      job({}, [step('a', { dependsOn: ['nope'] }), step('b', { shards: 0 })]),
      'steps[0].dependsOn: unknown step "nope"',
    ],
    [
      'within a step, field order: dependsOn before shards',
      job({}, [step('a', { shards: 0, dependsOn: ['nope'] })]),
      'steps[0].dependsOn: unknown step "nope"',
    ],
    [
      'within a step: shardParams before queue',
      job({}, [step('a', { shards: 2, shardParams: ['x'], queue: 'a.b' })]),
      'steps[0].shardParams: has 1 entry but shards is 2',
    ],
    ['key pattern before duplicate', job({}, [step('A'), step('A')]), 'steps[0].key: must match [a-z0-9_-]{1,64}'],
    [
      'cycle before a later top-level field',
      job({ maxActiveRuns: 0 }, [step('a', { dependsOn: ['b'] }), step('b', { dependsOn: ['a'] })]),
      'steps[0].dependsOn: cycle a -> b -> a',
    ],
    [
      'a dependency on a step with a bad key is judged by the key',
      job({}, [step('a', { dependsOn: ['B'] }), step('B')]),
      'steps[1].key: must match [a-z0-9_-]{1,64}',
    ],
  ])('%s', (_, input, message) => {
    expect(messageOf(input)).toBe(message);
  });
});

describe('validateRunParams', () => {
  it.each<[string, unknown, unknown]>([
    ['undefined', undefined, null],
    ['null', null, null],
    ['object', { a: 1 }, { a: 1 }],
    ['exactly 64 KiB', big(65_536), big(65_536)],
  ])('accepts %s', (_, params, expected) => {
    expect(validateRunParams(params)).toEqual(expected);
  });

  it.each<[string, unknown, string | undefined, string]>([
    ['a list', [1], undefined, 'params: must be a JSON object'],
    ['a number', 3, undefined, 'params: must be a JSON object'],
    ['a Date', new Date(0), undefined, 'params: must be a JSON object'],
    ['too big', big(70_000), undefined, 'params: is 70000 bytes, at most 65536'],
    ['with a custom field', 'x', 'triggerJob.params', 'triggerJob.params: must be a JSON object'],
    ['not serialisable', { n: BigInt(1) }, undefined, 'params: must be serialisable as JSON'],
  ])('refuses %s', (_, params, field, message) => {
    expect(() => validateRunParams(params, field)).toThrow(JobValidationError);
    expect(() => validateRunParams(params, field)).toThrow(message);
  });
});
