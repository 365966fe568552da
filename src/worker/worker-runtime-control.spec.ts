import { afterEach, describe, expect, it } from 'vitest';
import { defineHandler } from '../../libs/worker-sdk';
import { makeTaskMessage } from './testing/task-message';
import { NOW, settle, startRuntime, stopAll } from './testing/runtime-harness';

afterEach(stopAll);

const gateTask = (taskId: string, runId = 'run-1', attempt = 1) =>
  makeTaskMessage({ taskId, runId, attempt, handler: 'gate' });

describe('WorkerRuntime: cancel', () => {
  it('aborts the running tasks of a cancelled run and drops its queued ones', async () => {
    const { bus, gate } = await startRuntime({ concurrency: 1 });
    const running = bus.deliver(gateTask('a'));
    const queued = bus.deliver(gateTask('b'));
    const other = bus.deliver(gateTask('c', 'run-2'));
    await gate.started.next();

    bus.sendControl({ type: 'cancel', runId: 'run-1', taskIds: [] });
    expect(await gate.aborted.next()).toBe('a');
    expect(await running.settled).toBe('ack');
    expect(await queued.settled).toBe('term');
    await gate.started.next((task) => task.taskId === 'c');
    gate.release('c');
    expect(await other.settled).toBe('ack');

    expect(gate.started.items.map((task) => task.taskId)).toEqual(['a', 'c']);
    expect(bus.results().map((result) => result.taskId)).toEqual(['c']);
  });

  it('aimed at this worker, stops the listed tasks only, and lets a later attempt of them run', async () => {
    const { bus, gate } = await startRuntime({ concurrency: 2 });
    const a = bus.deliver(gateTask('a'));
    const b = bus.deliver(gateTask('b'));
    await gate.started.count(2);

    bus.sendControl({ type: 'cancel', runId: 'run-1', taskIds: ['b'], workerId: 'another-worker' });
    bus.sendControl({ type: 'cancel', runId: 'run-1', taskIds: ['a'], workerId: 'w1' });
    expect(await a.settled).toBe('ack');
    expect(await bus.deliver(gateTask('a')).settled).toBe('term');
    bus.deliver(gateTask('a', 'run-1', 2));
    await gate.started.next((task) => task.taskId === 'a' && task.attempt === 2);

    gate.release('b');
    gate.release('a');
    expect(await b.settled).toBe('ack');
    await bus.nextResult('a');
    expect(bus.results().map((result) => `${result.taskId}:${result.attempt}:${result.status}`)).toEqual([
      'b:1:succeeded',
      'a:2:succeeded',
    ]);
  });

  it('aimed at one attempt, leaves a later attempt of the same task running', async () => {
    const { bus, gate } = await startRuntime({ concurrency: 2 });
    const second = bus.deliver(gateTask('a', 'run-1', 2));
    await gate.started.next((task) => task.attempt === 2);
    bus.sendControl({ type: 'cancel', runId: 'run-1', taskIds: ['a'], workerId: 'w1', attempt: 1 });
    gate.release('a', 'ok');
    expect(await second.settled).toBe('ack');
    expect(bus.results().map((r) => `${r.taskId}:${r.attempt}:${r.status}`)).toEqual(['a:2:succeeded']);
  });

  it('holds a redelivered task after its claim, so a refusal stops it before the handler runs', async () => {
    const { bus, gate } = await startRuntime();
    const again = bus.deliver(gateTask('done-elsewhere'), 1);
    await bus.log.next((e) => e.type === 'claim');
    bus.sendControl({ type: 'cancel', runId: 'run-1', taskIds: ['done-elsewhere'], workerId: 'w1', attempt: 1 });
    expect(await again.settled).toBe('ack');
    expect(gate.started.items).toEqual([]);
    expect(bus.results()).toEqual([]);
  });

  it('forgets a cancel after its memory time', async () => {
    let now = NOW.getTime();
    const { bus, gate } = await startRuntime({ clock: () => new Date(now), cancelMemoryMs: 1000 });
    bus.sendControl({ type: 'cancel', runId: 'run-1', taskIds: [] });
    expect(await bus.deliver(gateTask('a')).settled).toBe('term');
    now += 1001;
    bus.deliver(gateTask('b'));
    await gate.started.next();
  });
});

describe('WorkerRuntime: capacity and shutdown', () => {
  it('runs at most `concurrency` tasks at once, passed to the bus as maxInFlight', async () => {
    const { bus, gate } = await startRuntime({ concurrency: 2, queues: ['etl', 'default'] });
    expect(bus.consumerOptions).toEqual({ queues: ['etl', 'default'], maxInFlight: 2 });
    const ids = ['t1', 't2', 't3', 't4', 't5'];
    const deliveries = ids.map((id) => bus.deliver(gateTask(id)));
    await gate.started.count(2);
    await settle();
    expect(bus.waiting).toBe(3);

    for (const [index, id] of ids.entries()) {
      await gate.started.count(index + 1);
      gate.release(id);
    }
    expect(await Promise.all(deliveries.map((delivery) => delivery.settled))).toEqual(ids.map(() => 'ack'));
    expect(gate.maxRunning).toBe(2);
  });

  it('stop lets tasks finish within the grace, then hands the rest back without a result', async () => {
    const { bus, gate, runtime } = await startRuntime({ concurrency: 2 });
    const quick = bus.deliver(gateTask('quick'));
    const slow = bus.deliver(gateTask('slow'));
    await gate.started.count(2);

    const stopped = runtime.stop(50);
    gate.release('quick', 'ok');
    expect(await quick.settled).toBe('ack');
    expect(await slow.settled).toBe('nak');
    await stopped;

    expect(bus.consumerStopped).toBe(true);
    expect(gate.aborted.items).toEqual(['slow']);
    expect(bus.results().map((result) => result.taskId)).toEqual(['quick']);
    expect(runtime.running).toBe(0);
    // Its last word names what it handed back, so the leader fails those over at once.
    expect(bus.heartbeats.items.at(-1)).toMatchObject({ stopping: true, released: ['slow'], running: 0 });
  });

  it('stop returns at once when idle, and twice is the same stop', async () => {
    const { runtime } = await startRuntime();
    const first = runtime.stop(60_000);
    expect(runtime.stop(0)).toBe(first);
    await first;
  });
});

describe('WorkerRuntime: heartbeat', () => {
  it('beats at once at start with what the worker serves', async () => {
    const own = defineHandler('report', () => Promise.resolve(null));
    const { bus } = await startRuntime({ queues: ['etl', 'default'], handlers: [own], allowShell: true });
    expect(bus.heartbeats.items).toEqual([
      {
        workerId: 'w1',
        host: 'host-a',
        pid: 42,
        queues: ['etl', 'default'],
        handlers: ['noop', 'sleep', 'http', 'shell', 'report'],
        running: 0,
        taskIds: [],
        at: NOW.toISOString(),
      },
    ]);
  });

  it('beats every interval, counting running tasks, and stops beating on stop', async () => {
    const { bus, gate, runtime } = await startRuntime({ heartbeatIntervalMs: 5 });
    expect(bus.heartbeats.items[0].handlers).toEqual(['noop', 'sleep', 'http', 'gate']);
    bus.deliver(gateTask('a'));
    await gate.started.next();
    const busy = await bus.heartbeats.next((heartbeat) => heartbeat.running === 1);
    expect(busy.taskIds).toEqual([expect.any(String)]);
    gate.release('a');
    await bus.heartbeats.next((heartbeat) => heartbeat.running === 0 && bus.results().length === 1);

    await runtime.stop(0);
    const count = bus.heartbeats.items.length;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(bus.heartbeats.items).toHaveLength(count);
  });
});
