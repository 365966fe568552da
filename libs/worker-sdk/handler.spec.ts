import { describe, expect, it } from 'vitest';
import { builtinHandlers, defineHandler, HandlerError } from './index';
import { makeTaskContext } from './testing';

describe('defineHandler', () => {
  it('makes a handler that runs the function', async () => {
    const handler = defineHandler('double', (task) => Promise.resolve(Number(task.params.n) * 2));
    expect(handler.name).toBe('double');
    await expect(handler.run(makeTaskContext({ params: { n: 21 } }), new AbortController().signal)).resolves.toBe(42);
  });

  it.each(['', '  '])('refuses the name %j', (name) => {
    expect(() => defineHandler(name, () => Promise.resolve(null))).toThrow(HandlerError);
  });
});

describe('HandlerError', () => {
  it('is an Error with its own name and the message as given', () => {
    const error = new HandlerError('params.url is required');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('HandlerError');
    expect(error.message).toBe('params.url is required');
  });
});

describe('builtinHandlers', () => {
  it.each([
    { allowShell: false, names: ['noop', 'sleep', 'http'] },
    { allowShell: true, names: ['noop', 'sleep', 'http', 'shell'] },
  ])('allowShell $allowShell → $names', ({ allowShell, names }) => {
    expect(builtinHandlers({ allowShell }).map((handler) => handler.name)).toEqual(names);
  });

  it('noop succeeds with null', async () => {
    const [noop] = builtinHandlers({ allowShell: false });
    await expect(noop.run(makeTaskContext(), new AbortController().signal)).resolves.toBeNull();
  });
});
