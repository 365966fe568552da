import { afterEach, describe, expect, it } from 'vitest';
import { MAX_OUTPUT_BYTES } from '../../libs/contracts/messages';
import { defineHandler, HandlerError, type TaskHandler } from '../../libs/worker-sdk';
import { makeTaskMessage } from './testing/task-message';
import { NOW, settle, startRuntime, stopAll } from './testing/runtime-harness';
import { WorkerRuntime } from './worker-runtime';
import { FakeTaskBus } from './testing/fake-task-bus';

afterEach(stopAll);

const returning = (value: unknown): TaskHandler => defineHandler('give', () => Promise.resolve(value));
const throwing = (err: unknown): TaskHandler => defineHandler('give', () => Promise.reject(err));

describe('WorkerRuntime: one attempt', () => {
  it('claims, runs, publishes the result, and only then acks', async () => {
    const { bus } = await startRuntime();
    const delivery = bus.deliver(makeTaskMessage({ taskId: 't1', attempt: 2 }));
    expect(await delivery.settled).toBe('ack');
    expect(bus.log.items.map((event) => event.type)).toEqual(['claim', 'result', 'ack']);
    const startedAt = NOW.toISOString();
    expect(bus.claims()).toEqual([{ taskId: 't1', attempt: 2, workerId: 'w1', startedAt }]);
    expect(bus.results()).toEqual([
      {
        taskId: 't1',
        attempt: 2,
        status: 'succeeded',
        output: null,
        error: null,
        workerId: 'w1',
        startedAt,
        finishedAt: startedAt,
      },
    ]);
  });

  it('does not start the handler before the bus holds its claim', async () => {
    const { bus, gate } = await startRuntime();
    let holdClaim: () => void = () => undefined;
    bus.beforeClaim = () => new Promise((resolve) => (holdClaim = resolve));
    bus.deliver(makeTaskMessage({ handler: 'gate' }));
    await settle();
    expect(gate.started.items).toHaveLength(0);

    holdClaim();
    await gate.started.next();
    gate.release('task-1', 'done');
    expect((await bus.nextResult('task-1')).output).toBe('done');
  });

  it('gives the handler the context alone', async () => {
    const { bus, gate } = await startRuntime();
    bus.deliver(makeTaskMessage({ handler: 'gate', params: { a: 1 }, upstream: { extract: [1, 2] } }));
    const context = await gate.started.next();
    expect(context).toEqual({
      taskId: 'task-1',
      runId: 'run-1',
      jobName: 'job',
      stepKey: 'step',
      shardIndex: 0,
      shardCount: 1,
      shardParam: null,
      attempt: 1,
      params: { a: 1 },
      upstream: { extract: [1, 2] },
    });
  });

  it.each([
    {
      case: 'JSON output',
      handlers: [returning({ rows: 3 })],
      handler: 'give',
      status: 'succeeded',
      output: { rows: 3 },
      error: null,
    },
    {
      case: 'no output',
      handlers: [returning(undefined)],
      handler: 'give',
      status: 'succeeded',
      output: null,
      error: null,
    },
    {
      case: 'a thrown HandlerError',
      handlers: [throwing(new HandlerError('bad input'))],
      handler: 'give',
      status: 'failed',
      output: null,
      error: 'bad input',
    },
    {
      case: 'a thrown string',
      handlers: [throwing('plain')],
      handler: 'give',
      status: 'failed',
      output: null,
      error: 'plain',
    },
    {
      case: 'a bad param of a built-in',
      handlers: [],
      handler: 'sleep',
      status: 'failed',
      output: null,
      error: 'params.ms is required (a non-negative number)',
    },
    {
      case: 'an unknown handler',
      handlers: [returning(1)],
      handler: 'nope',
      status: 'failed',
      output: null,
      error: 'no handler "nope" on worker w1 (it has: noop, sleep, http, give)',
    },
    {
      case: 'shell while disabled',
      handlers: [],
      handler: 'shell',
      status: 'failed',
      output: null,
      error: 'handler "shell" is disabled on this worker (set WORKER_ALLOW_SHELL=1)',
    },
    {
      case: 'an output too large',
      handlers: [returning('x'.repeat(MAX_OUTPUT_BYTES))],
      handler: 'give',
      status: 'failed',
      output: null,
      error: `output is ${MAX_OUTPUT_BYTES + 2} bytes, at most 262144`,
    },
    {
      case: 'an output that is not JSON',
      handlers: [returning(10n)],
      handler: 'give',
      status: 'failed',
      output: null,
      error: 'output is not JSON-serialisable: Do not know how to serialize a BigInt',
    },
  ])('publishes $status for $case, then acks', async ({ handlers, handler, status, output, error }) => {
    const { bus } = await startRuntime({ handlers });
    const delivery = bus.deliver(makeTaskMessage({ handler }));
    expect(await delivery.settled).toBe('ack');
    expect(bus.results()).toMatchObject([{ status, output, error }]);
    expect(bus.log.items.map((event) => event.type)).toEqual(['claim', 'result', 'ack']);
  });

  it('bounds a long error message to a few KB', async () => {
    const { bus } = await startRuntime({ handlers: [throwing(new Error('e'.repeat(50_000)))] });
    const result = await bus.nextResult(bus.deliver(makeTaskMessage({ handler: 'give' })).body.taskId);
    expect(result.error).toHaveLength(4096);
    expect(result.error?.endsWith('…')).toBe(true);
  });

  it('aborts the handler at its timeout and fails saying it timed out', async () => {
    const { bus, gate } = await startRuntime();
    const delivery = bus.deliver(makeTaskMessage({ handler: 'gate', timeoutMs: 30 }));
    expect(await gate.aborted.next()).toBe('task-1');
    expect(await delivery.settled).toBe('ack');
    expect(bus.results()).toMatchObject([{ status: 'failed', error: 'timed out after 30 ms' }]);
  });

  it('fails at its deadline when that comes before the timeout', async () => {
    const { bus, gate } = await startRuntime();
    const deadline = new Date(NOW.getTime() - 1).toISOString();
    bus.deliver(makeTaskMessage({ handler: 'gate', timeoutMs: 60_000, deadline }));
    await gate.aborted.next();
    expect((await bus.nextResult('task-1')).error).toBe(`did not finish by its deadline ${deadline}`);
  });

  it('keeps the delivery alive while the handler runs', async () => {
    const { bus, gate } = await startRuntime({ inProgressIntervalMs: 5 });
    const delivery = bus.deliver(makeTaskMessage({ handler: 'gate' }));
    await delivery.workingCalls.count(3);
    gate.release('task-1');
    expect(await delivery.settled).toBe('ack');
  });

  it('retries a result the bus cannot take yet, and acks only once it is held', async () => {
    const { bus } = await startRuntime();
    let refusals = 2;
    bus.beforeResult = () => (refusals-- > 0 ? Promise.reject(new Error('bus down')) : Promise.resolve());
    const delivery = bus.deliver(makeTaskMessage());
    expect(await delivery.settled).toBe('ack');
    expect(bus.results()).toHaveLength(1);
  });

  it('hands the task back if its result is still not held when the worker stops', async () => {
    const { bus, runtime } = await startRuntime();
    bus.beforeResult = () => Promise.reject(new Error('bus down'));
    const delivery = bus.deliver(makeTaskMessage());
    await bus.log.next((e) => e.type === 'claim');
    await runtime.stop(50);
    expect(await delivery.settled).toBe('nak');
    expect(bus.results()).toEqual([]);
    expect(bus.heartbeats.items.at(-1)).toMatchObject({ stopping: true, released: [makeTaskMessage().taskId] });
  });

  it('naks without running the handler when the claim cannot be published', async () => {
    const { bus, gate } = await startRuntime();
    bus.beforeClaim = () => Promise.reject(new Error('bus down'));
    const delivery = bus.deliver(makeTaskMessage({ handler: 'gate' }));
    expect(await delivery.settled).toBe('nak');
    expect(gate.started.items).toEqual([]);
  });

  it('joins a redelivery of the attempt it runs instead of running it twice', async () => {
    const { bus, gate } = await startRuntime();
    const first = bus.deliver(makeTaskMessage({ handler: 'gate' }));
    await gate.started.next();
    const again = bus.deliver(makeTaskMessage({ handler: 'gate' }), 1);
    await settle();
    gate.release('task-1');
    expect(await Promise.all([first.settled, again.settled])).toEqual(['ack', 'ack']);
    expect(gate.started.items).toHaveLength(1);
    expect(bus.results()).toHaveLength(1);
  });
});

describe('WorkerRuntime: construction', () => {
  const base = {
    bus: new FakeTaskBus(),
    workerId: 'w1',
    host: 'h',
    pid: 1,
    queues: ['default'],
    concurrency: 1,
    handlers: [] as TaskHandler[],
    allowShell: false,
    heartbeatIntervalMs: 1000,
  };

  it.each([
    { change: { handlers: [returning(1), returning(2)] }, error: 'two handlers are named "give"' },
    {
      change: { handlers: [defineHandler('http', () => Promise.resolve(null))] },
      error: 'handler "http" is a built-in name',
    },
    { change: { concurrency: 0 }, error: 'concurrency must be a positive integer (got 0)' },
    { change: { queues: [] }, error: 'at least one queue is needed' },
    { change: { heartbeatIntervalMs: 0 }, error: 'heartbeatIntervalMs must be a positive number' },
  ])('refuses $error', ({ change, error }) => {
    expect(() => new WorkerRuntime({ ...base, ...change })).toThrow(error);
  });
});
