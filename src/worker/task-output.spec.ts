import { describe, expect, it } from 'vitest';
import { MAX_OUTPUT_BYTES } from '../../libs/contracts/messages';
import { checkOutput, errorMessage } from './task-output';

describe('checkOutput', () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;

  it.each([
    { case: 'null', value: null, checked: { ok: true, output: null } },
    { case: 'undefined', value: undefined, checked: { ok: true, output: null } },
    { case: 'an object', value: { a: [1, 'x'] }, checked: { ok: true, output: { a: [1, 'x'] } } },
    { case: 'a date', value: new Date(0), checked: { ok: true, output: '1970-01-01T00:00:00.000Z' } },
    {
      case: 'at the limit',
      value: 'x'.repeat(MAX_OUTPUT_BYTES - 2),
      checked: { ok: true, output: 'x'.repeat(MAX_OUTPUT_BYTES - 2) },
    },
    {
      case: 'one byte over',
      value: 'x'.repeat(MAX_OUTPUT_BYTES - 1),
      checked: { ok: false, error: 'output is 262145 bytes, at most 262144' },
    },
    {
      case: 'multi-byte characters',
      value: 'é'.repeat(MAX_OUTPUT_BYTES / 2),
      checked: { ok: false, error: 'output is 262146 bytes, at most 262144' },
    },
    {
      case: 'a function',
      value: () => 1,
      checked: { ok: false, error: 'output is not JSON-serialisable: a function' },
    },
  ])('$case', ({ value, checked }) => {
    expect(checkOutput(value)).toEqual(checked);
  });

  it('refuses a cycle', () => {
    expect(checkOutput(cyclic)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^output is not JSON-serialisable: /),
    });
  });
});

describe('errorMessage', () => {
  it.each([
    { thrown: new Error('boom'), message: 'boom' },
    { thrown: new TypeError(''), message: 'TypeError' },
    { thrown: 'text', message: 'text' },
    { thrown: { code: 7 }, message: '{"code":7}' },
    { thrown: undefined, message: 'undefined' },
    { thrown: '', message: 'failed without a message' },
  ])('$thrown → $message', ({ thrown, message }) => {
    expect(errorMessage(thrown)).toBe(message);
  });
});
