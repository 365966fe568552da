import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Delivery } from '../../src/bus/task-bus.port';
import type { TaskMessage } from '../../libs/contracts/messages';
import { NatsTaskBus } from '../../src/bus/nats-task-bus';
import { Collector, makeClaim, makeTask } from './bus-test-kit';
import { NatsFixture } from './nats-fixture';
import { taskBusContract } from './task-bus.contract';

const fixture = new NatsFixture();

beforeAll(() => fixture.open());
afterAll(() => fixture.cleanUp());

taskBusContract(
  'nats',
  async (options) => fixture.makeBus({ ackWaitMs: options?.ackWaitMs, logger: options?.logger }),
  {
    publishRaw: (bus, subject, data) => fixture.publishRaw(bus, subject, data),
  },
);

describe('NatsTaskBus across processes', () => {
  it('sets up the same streams from many processes at once and shares them', async () => {
    const first = fixture.makeBus();
    const prefix = first.names.prefix;
    const peers = [first, ...Array.from({ length: 3 }, () => fixture.makeBus({ subjectPrefix: prefix }))];
    await Promise.all(peers.map((bus) => bus.init()));
    await Promise.all(peers.map((bus) => bus.init()));
    const streams = await fixture.streamNames();
    expect(streams).toEqual(expect.arrayContaining([first.names.tasksStream, first.names.eventsStream]));

    const [planner, workerA, workerB] = peers;
    const tasks = Array.from({ length: 40 }, () => makeTask({ queue: 'peers' }));
    await planner.publishTasks(tasks);
    const all = new Collector<Delivery<TaskMessage>>();
    const seenBy = { a: 0, b: 0 };
    const stopA = workerA.consumeTasks({ queues: ['peers'], maxInFlight: 4 }, (d) => (seenBy.a++, all.push(d)));
    const stopB = workerB.consumeTasks({ queues: ['peers'], maxInFlight: 4 }, (d) => (seenBy.b++, all.push(d)));
    await all.waitFor(8);
    expect(seenBy).toEqual({ a: 4, b: 4 });
    let acked = 0;
    while (acked < 40) {
      await all.waitFor(acked + 1);
      for (const d of all.items.slice(acked)) void d.ack();
      acked = all.items.length;
    }
    expect(new Set(all.items.map((d) => d.body.taskId)).size).toBe(40);
    await Promise.all([stopA.stop(), stopB.stop()]);

    await workerA.publishClaim(makeClaim('from-a'));
    await workerB.publishClaim(makeClaim('from-b'));
    const events = await planner.pullEvents(10, 2_000);
    const more = events.length < 2 ? await planner.pullEvents(10, 2_000) : [];
    const pulled = [...events, ...more];
    expect(pulled.map((d) => d.body.kind === 'claim' && d.body.claim.taskId)).toEqual(['from-a', 'from-b']);
    await Promise.all(pulled.map((d) => d.ack()));
  });

  it('refuses to start against an unreachable server with a clear error', async () => {
    await expect(NatsTaskBus.connect({ url: 'nats://127.0.0.1:1' })).rejects.toThrow();
  });
});
