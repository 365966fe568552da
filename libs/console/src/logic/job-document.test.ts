import { describe, expect, it } from 'vitest';
import type { Job } from '../api/types';
import {
  convertJobText,
  jobToInput,
  locateField,
  NEW_JOB_TEMPLATE,
  parseFieldError,
  parseJobText,
  parsePath,
} from './job-document';

const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

describe('API errors name their field', () => {
  it('reads the scheduler’s own messages', () => {
    expect(parseFieldError('steps[2].dependsOn: unknown step "lod"')).toEqual({
      pathText: 'steps[2].dependsOn',
      path: ['steps', 2, 'dependsOn'],
      message: 'unknown step "lod"',
    });
    expect(parseFieldError('schedule: bad cron "x"')).toMatchObject({ path: ['schedule'] });
  });

  it('reads GraphQL variable errors', () => {
    expect(
      parseFieldError(
        'Variable "$input" got invalid value "x" at "input.steps[0].shards"; Int cannot represent non-integer value: "x"',
      ),
    ).toEqual({
      pathText: 'steps[0].shards',
      path: ['steps', 0, 'shards'],
      message: 'Int cannot represent non-integer value: "x"',
    });
    expect(
      parseFieldError(
        'Variable "$input" got invalid value { key: "a" } at "input.steps[1]"; Field "handler" of required type "String!" was not provided.',
      ),
    ).toMatchObject({ path: ['steps', 1, 'handler'], pathText: 'steps[1].handler' });
  });

  it('keeps messages that name no field whole', () => {
    expect(parseFieldError('job "x" not found')).toEqual({ pathText: '', path: [], message: 'job "x" not found' });
  });

  it('splits paths', () => {
    expect(parsePath('steps[10].params.url')).toEqual(['steps', 10, 'params', 'url']);
  });
});

describe('locating a field in the text', () => {
  const yaml = `name: demo\nsteps:\n  - key: a\n    handler: noop\n  - key: b\n    handler: noop\n    dependsOn: [lod]\n`;
  const json = JSON.stringify(
    {
      name: 'demo',
      steps: [
        { key: 'a', handler: 'noop' },
        { key: 'b', dependsOn: ['lod'] },
      ],
    },
    null,
    2,
  );

  it('finds the key in YAML', () => {
    const range = locateField(yaml, ['steps', 1, 'dependsOn'])!;
    expect(lineOf(yaml, range.from)).toBe(7);
    expect(yaml.slice(range.from, range.to)).toBe('dependsOn');
  });

  it('finds the key in JSON', () => {
    const range = locateField(json, ['steps', 1, 'dependsOn'])!;
    expect(json.slice(range.from, range.to)).toBe('"dependsOn"');
  });

  it('falls back to the deepest part that exists', () => {
    const range = locateField(yaml, ['steps', 1, 'shards'])!;
    expect(lineOf(yaml, range.from)).toBe(5);
    expect(locateField(yaml, ['nothing'])).not.toBeNull();
  });
});

describe('documents', () => {
  it('parses the new-job template', () => {
    const parsed = parseJobText(NEW_JOB_TEMPLATE, 'yaml');
    expect(parsed.ok && (parsed.value as { steps: unknown[] }).steps).toHaveLength(2);
  });

  it('reports where a document does not parse', () => {
    const bad = parseJobText('{ "name": "x", }', 'json');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.range).not.toBeNull();
    expect(parseJobText('name: [unclosed', 'yaml').ok).toBe(false);
  });

  it('converts between JSON and YAML, or refuses when the text does not parse', () => {
    const json = convertJobText(NEW_JOB_TEMPLATE, 'yaml', 'json')!;
    expect(JSON.parse(json).name).toBe('my-job');
    expect(convertJobText(json, 'json', 'yaml')).toContain('name: my-job');
    expect(convertJobText('{', 'json', 'yaml')).toBeNull();
  });

  it('turns a job into the short input that makes it again', () => {
    const job = {
      name: 'j',
      description: null,
      schedule: '0 2 * * *',
      timezone: 'UTC',
      paused: true,
      version: 3,
      updatedAt: '',
      nextFireAt: null,
      concurrencyPolicy: 'FORBID',
      misfirePolicy: 'FIRE_ONCE',
      maxActiveRuns: null,
      params: {},
      stats: {
        runs: 0,
        succeeded: 0,
        failed: 0,
        successRate: null,
        avgDurationMs: null,
        p95DurationMs: null,
        skippedFires: 0,
      },
      runs: [],
      steps: [
        {
          key: 'a',
          handler: 'http',
          dependsOn: [],
          shards: 4,
          shardParams: null,
          params: { url: 'http://x' },
          queue: 'default',
          retries: 2,
          retryBackoffMs: 1000,
          timeoutMs: null,
          triggerRule: 'ALL_SUCCESS',
        },
      ],
    } satisfies Job;
    expect(jobToInput(job)).toEqual({
      name: 'j',
      schedule: '0 2 * * *',
      concurrencyPolicy: 'FORBID',
      paused: true,
      steps: [{ key: 'a', handler: 'http', shards: 4, params: { url: 'http://x' }, retries: 2 }],
    });
  });
});
