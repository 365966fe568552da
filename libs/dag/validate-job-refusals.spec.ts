import { describe, expect, it } from 'vitest';
import { JobValidationError, normalizeJobInput } from './validate-job';
import { big, job, messageOf, step } from './validate-job.fixtures';

const tooManySteps = Array.from({ length: 1001 }, (_, i) => step(`s${i}`));

describe('normalizeJobInput refuses, naming the field: job fields', () => {
  it.each<[string, unknown, string]>([
    ['input not an object', 'job', 'input: must be an object'],
    ['name missing', { steps: [step('a')] }, 'name: is required'],
    ['name uppercase', job({ name: 'Nightly' }), 'name: must match [a-z0-9_.-]{1,128}'],
    ['name empty', job({ name: '' }), 'name: must match [a-z0-9_.-]{1,128}'],
    ['name too long', job({ name: 'n'.repeat(129) }), 'name: must match [a-z0-9_.-]{1,128}'],
    ['name not a string', job({ name: 7 }), 'name: must be a string'],
    ['description too long', job({ description: 'd'.repeat(2001) }), 'description: must be at most 2000 characters'],
    [
      'schedule of 4 fields',
      job({ schedule: '* * * *' }),
      'schedule: must be a cron expression of 5 fields, or 6 with seconds (got 4)',
    ],
    [
      'schedule of 7 fields',
      job({ schedule: '0 0 0 1 1 * 2030' }),
      'schedule: must be a cron expression of 5 fields, or 6 with seconds (got 7)',
    ],
    [
      'schedule nickname',
      job({ schedule: '@daily' }),
      'schedule: must be a cron expression of 5 fields, or 6 with seconds (got 1)',
    ],
    [
      'schedule empty',
      job({ schedule: '  ' }),
      'schedule: must be a cron expression of 5 fields, or 6 with seconds (got 0)',
    ],
    [
      'schedule out of range',
      job({ schedule: '61 * * * *' }),
      'schedule: is not a valid cron expression: Invalid value for minute: 61',
    ],
    ['schedule that never fires', job({ schedule: '0 0 31 2 *' }), 'schedule: never fires'],
    ['timezone unknown', job({ timezone: 'Mars/Olympus' }), 'timezone: is not a valid IANA time zone'],
    ['timezone empty', job({ timezone: '' }), 'timezone: is not a valid IANA time zone'],
    ['steps missing', { name: 'j' }, 'steps: a job needs at least one step'],
    ['steps empty', job({}, []), 'steps: a job needs at least one step'],
    ['steps not a list', job({}, 'a'), 'steps: must be a list of steps'],
    ['more than 1000 steps', job({}, tooManySteps), 'steps: must have at most 1000 steps'],
    ['job params a string', job({ params: 'x' }), 'params: must be a JSON object'],
    ['job params too big', job({ params: big(70_000) }), 'params: is 70000 bytes, at most 65536'],
    [
      'job params multi-byte over the limit',
      job({ params: { s: 'é'.repeat(32_765) } }),
      'params: is 65538 bytes, at most 65536',
    ],
    [
      'concurrency policy unknown',
      job({ concurrencyPolicy: 'QUEUE' }),
      'concurrencyPolicy: must be one of ALLOW, FORBID, REPLACE',
    ],
    [
      'misfire policy unknown',
      job({ misfirePolicy: 'ALL' }),
      'misfirePolicy: must be one of FIRE_ONCE, SKIP, CATCH_UP',
    ],
    ['maxActiveRuns zero', job({ maxActiveRuns: 0 }), 'maxActiveRuns: must be an integer of at least 1'],
    ['maxActiveRuns fractional', job({ maxActiveRuns: 1.5 }), 'maxActiveRuns: must be an integer of at least 1'],
    ['paused not a boolean', job({ paused: 'yes' }), 'paused: must be true or false'],
  ])('%s', (_, input, message) => {
    expect(messageOf(input)).toBe(message);
  });
});

describe('normalizeJobInput refuses, naming the field: step fields', () => {
  it.each<[string, unknown, string]>([
    ['step not an object', job({}, [step('a'), null]), 'steps[1]: must be an object'],
    ['step key missing', job({}, [{ handler: 'noop' }]), 'steps[0].key: is required'],
    ['step key bad', job({}, [step('A b')]), 'steps[0].key: must match [a-z0-9_-]{1,64}'],
    ['step key too long', job({}, [step('k'.repeat(65))]), 'steps[0].key: must match [a-z0-9_-]{1,64}'],
    ['handler missing', job({}, [{ key: 'a' }]), 'steps[0].handler: is required'],
    [
      'handler bad',
      job({}, [step('a', { handler: 'my handler' })]),
      'steps[0].handler: must match [A-Za-z0-9_.:-]{1,128}',
    ],
    ['dependency not a string', job({}, [step('a', { dependsOn: [1] })]), 'steps[0].dependsOn[0]: must be a step key'],
    [
      'dependsOn not a list',
      job({}, [step('a', { dependsOn: 'b' })]),
      'steps[0].dependsOn: must be a list of step keys',
    ],
    ['shards zero', job({}, [step('a', { shards: 0 })]), 'steps[0].shards: must be an integer from 1 to 100000'],
    [
      'shards too many',
      job({}, [step('a', { shards: 100_001 })]),
      'steps[0].shards: must be an integer from 1 to 100000',
    ],
    [
      'shards fractional',
      job({}, [step('a', { shards: 1.5 })]),
      'steps[0].shards: must be an integer from 1 to 100000',
    ],
    ['shards a string', job({}, [step('a', { shards: '3' })]), 'steps[0].shards: must be an integer from 1 to 100000'],
    [
      'shardParam not a string',
      job({}, [step('a', { shardParams: [1] })]),
      'steps[0].shardParams[0]: must be a string',
    ],
    [
      'shardParam too long',
      job({}, [step('a', { shardParams: ['p'.repeat(4097)] })]),
      'steps[0].shardParams[0]: must be at most 4096 characters',
    ],
    ['queue with a dot', job({}, [step('a', { queue: 'gpu.big' })]), 'steps[0].queue: must match [A-Za-z0-9_-]{1,64}'],
    ['queue wildcard', job({}, [step('a', { queue: '>' })]), 'steps[0].queue: must match [A-Za-z0-9_-]{1,64}'],
    ['queue empty', job({}, [step('a', { queue: '' })]), 'steps[0].queue: must match [A-Za-z0-9_-]{1,64}'],
    ['retries negative', job({}, [step('a', { retries: -1 })]), 'steps[0].retries: must be an integer from 0 to 100'],
    ['retries too many', job({}, [step('a', { retries: 101 })]), 'steps[0].retries: must be an integer from 0 to 100'],
    [
      'backoff over a day',
      job({}, [step('a', { retryBackoffMs: 86_400_001 })]),
      'steps[0].retryBackoffMs: must be an integer from 0 to 86400000',
    ],
    [
      'timeout zero',
      job({}, [step('a', { timeoutMs: 0 })]),
      'steps[0].timeoutMs: must be an integer from 1 to 604800000',
    ],
    [
      'timeout over a week',
      job({}, [step('a', { timeoutMs: 604_800_001 })]),
      'steps[0].timeoutMs: must be an integer from 1 to 604800000',
    ],
    [
      'trigger rule unknown',
      job({}, [step('a', { triggerRule: 'ANY' })]),
      'steps[0].triggerRule: must be one of ALL_SUCCESS, ALL_DONE, ONE_SUCCESS, ONE_FAILED, NONE_FAILED',
    ],
    ['step params a list', job({}, [step('a', { params: [1] })]), 'steps[0].params: must be a JSON object'],
    [
      'step params too big',
      job({}, [step('a', { params: big(70_000) })]),
      'steps[0].params: is 70000 bytes, at most 65536',
    ],
  ])('%s', (_, input, message) => {
    expect(messageOf(input)).toBe(message);
  });
});

describe('normalizeJobInput refuses, naming the field: graph semantics', () => {
  it.each<[string, unknown, string]>([
    ['duplicate key', job({}, [step('a'), step('b'), step('c'), step('a')]), 'steps[3].key: duplicate step key "a"'],
    [
      'unknown dependency',
      job({}, [step('a'), step('b'), step('c', { dependsOn: ['lod'] })]),
      'steps[2].dependsOn: unknown step "lod"',
    ],
    ['self dependency', job({}, [step('a', { dependsOn: ['a'] })]), 'steps[0].dependsOn: step "a" depends on itself'],
    [
      'dependency twice',
      job({}, [step('a'), step('b', { dependsOn: ['a', 'a'] })]),
      'steps[1].dependsOn: step "a" is named twice',
    ],
    [
      'two-step cycle',
      job({}, [step('a', { dependsOn: ['b'] }), step('b', { dependsOn: ['a'] })]),
      'steps[0].dependsOn: cycle a -> b -> a',
    ],
    [
      'cycle named from its first step in the document',
      job({}, [
        step('x'),
        step('c', { dependsOn: ['b'] }),
        step('a', { dependsOn: ['c', 'x'] }),
        step('b', { dependsOn: ['a'] }),
      ]),
      'steps[1].dependsOn: cycle c -> b -> a -> c',
    ],
    [
      'shardParams too few',
      job({}, [step('a'), step('b', { shards: 3, shardParams: ['x', 'y'] })]),
      'steps[1].shardParams: has 2 entries but shards is 3',
    ],
    [
      'shardParams with default shards',
      job({}, [step('a', { shardParams: ['x', 'y'] })]),
      'steps[0].shardParams: has 2 entries but shards is 1',
    ],
  ])('%s', (_, input, message) => {
    expect(messageOf(input)).toBe(message);
  });
});

describe('normalizeJobInput refusals: details', () => {
  it('carries field and reason apart', () => {
    const error = (() => {
      try {
        normalizeJobInput(job({}, [step('a'), step('b', { shards: 3, shardParams: ['x'] })]));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(JobValidationError);
    expect(error).toMatchObject({
      field: 'steps[1].shardParams',
      reason: 'has 1 entry but shards is 3',
    });
  });

  it('accepts exactly 64 KiB of params', () => {
    expect(messageOf(job({ params: big(65_536) }))).toBe('accepted');
  });

  it('names a long cycle without listing all of it', () => {
    const ring = Array.from({ length: 30 }, (_, i) => step(`s${i}`, { dependsOn: [`s${(i + 1) % 30}`] }));
    const message = messageOf(job({}, ring));
    expect(message).toMatch(/^steps\[0\]\.dependsOn: cycle s0 -> s1 -> .* -> … -> s0 \(30 steps\)$/);
  });
});
