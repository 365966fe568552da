import { afterEach, describe, expect, it } from 'vitest';
import type { ControlMessage, HeartbeatMessage, PlannerEvent, TaskMessage } from '../../libs/contracts/messages';
import type { Delivery, Stoppable, TaskBus } from '../../src/bus/task-bus.port';
import { Collector, delay, makeClaim, makeResult, makeTask, RecordingLogger } from './bus-test-kit';

export interface MakeBusOptions {
  ackWaitMs?: number;
  logger?: RecordingLogger;
}

export interface ContractOptions {
  /**
   * Puts bytes on a subject of `bus` (named without any prefix, e.g. `sf.tasks.q`) the way a
   * misbehaving peer would, bypassing the publish methods' checks. Without it the malformed-input
   * cases are skipped.
   */
  publishRaw?: (bus: TaskBus, subject: string, data: Uint8Array) => Promise<void>;
}

const ACK_WAIT_SHORT = 1_000;

/** The semantics every TaskBus implementation must share (see src/bus/task-bus.port.ts). */
export function taskBusContract(
  name: string,
  makeBus: (options?: MakeBusOptions) => Promise<TaskBus>,
  opts: ContractOptions = {},
): void {
  describe(`TaskBus contract: ${name}`, () => {
    const buses: TaskBus[] = [];
    const consumers: Stoppable[] = [];

    afterEach(async () => {
      await Promise.all(consumers.splice(0).map((c) => c.stop()));
      await Promise.all(buses.splice(0).map((b) => b.close()));
    });

    async function open(options?: MakeBusOptions): Promise<TaskBus> {
      const bus = await makeBus(options);
      buses.push(bus);
      await bus.init();
      return bus;
    }

    function consume(
      bus: TaskBus,
      queues: string[],
      maxInFlight: number,
      onTask: (d: Delivery<TaskMessage>) => void,
    ): Stoppable {
      const consumer = bus.consumeTasks({ queues, maxInFlight }, onTask);
      consumers.push(consumer);
      return consumer;
    }

    /** Pulls until `count` events arrived (each pull waits for its first event; no polling). */
    async function pullUntil(bus: TaskBus, count: number, timeoutMs = 10_000): Promise<Delivery<PlannerEvent>[]> {
      const got: Delivery<PlannerEvent>[] = [];
      const deadline = Date.now() + timeoutMs;
      while (got.length < count && Date.now() < deadline) {
        got.push(...(await bus.pullEvents(count - got.length, Math.min(2_000, deadline - Date.now()))));
      }
      if (got.length < count) throw new Error(`pulled ${got.length} of ${count} events`);
      return got;
    }

    const idOf = (d: Delivery<TaskMessage>): string => d.body.taskId;

    it('delivers tasks only to consumers of their queue, as copies', async () => {
      const bus = await open();
      const tasksA = [makeTask({ queue: 'qa' }), makeTask({ queue: 'qa' })];
      const tasksB = [makeTask({ queue: 'qb' })];
      await bus.publishTasks([...tasksA, ...tasksB]);
      tasksA[0].params.n = 'changed after publish';

      const gotA = new Collector<Delivery<TaskMessage>>();
      consume(bus, ['qa'], 10, (d) => {
        gotA.push(d);
        void d.ack();
      });
      await gotA.waitFor(2);
      expect(gotA.items.map(idOf).sort()).toEqual(tasksA.map((t) => t.taskId).sort());
      expect(gotA.items.every((d) => d.body.queue === 'qa' && d.redeliveries === 0)).toBe(true);
      expect(gotA.items.find((d) => d.body.taskId === tasksA[0].taskId)?.body.params.n).not.toBe(
        'changed after publish',
      );
      expect(await gotA.quietFor()).toBe(0);

      const gotB = new Collector<Delivery<TaskMessage>>();
      consume(bus, ['qb'], 10, (d) => {
        gotB.push(d);
        void d.ack();
      });
      await gotB.waitFor(1);
      expect(gotB.items.map(idOf)).toEqual([tasksB[0].taskId]);
    });

    it('shares one queue between two consumers without duplicates', async () => {
      const bus = await open();
      const tasks = Array.from({ length: 20 }, () => makeTask({ queue: 'shared' }));
      await bus.publishTasks(tasks);
      const first = new Collector<Delivery<TaskMessage>>();
      const second = new Collector<Delivery<TaskMessage>>();
      const all = new Collector<Delivery<TaskMessage>>();
      consume(bus, ['shared'], 5, (d) => (first.push(d), all.push(d)));
      consume(bus, ['shared'], 5, (d) => (second.push(d), all.push(d)));

      // Nobody acks yet: each consumer fills its own limit, so both must hold a share.
      await all.waitFor(10);
      expect(first.items).toHaveLength(5);
      expect(second.items).toHaveLength(5);

      let acked = 0;
      const ackAll = (): void => {
        for (const d of all.items.slice(acked)) void d.ack();
        acked = all.items.length;
      };
      ackAll();
      await all.waitFor(15).then(ackAll);
      await all.waitFor(20).then(ackAll);
      const ids = all.items.map(idOf);
      expect(new Set(ids).size).toBe(20);
      expect(ids.sort()).toEqual(tasks.map((t) => t.taskId).sort());
      expect(await all.quietFor()).toBe(0);
    });

    it('never holds more than maxInFlight unsettled deliveries across its queues', async () => {
      const bus = await open();
      await bus.publishTasks([
        ...Array.from({ length: 30 }, () => makeTask({ queue: 'mx1' })),
        ...Array.from({ length: 30 }, () => makeTask({ queue: 'mx2' })),
      ]);
      let unsettled = 0;
      let peak = 0;
      const got = new Collector<Delivery<TaskMessage>>();
      let holding = true;
      const held: Delivery<TaskMessage>[] = [];
      const settleLater = (d: Delivery<TaskMessage>): void => {
        setTimeout(() => {
          unsettled--;
          void d.ack();
        }, 2);
      };
      consume(bus, ['mx1', 'mx2'], 3, (d) => {
        unsettled++;
        peak = Math.max(peak, unsettled);
        got.push(d);
        if (holding) held.push(d);
        else settleLater(d);
      });
      await got.waitFor(3);
      expect(await got.quietFor()).toBe(0);
      holding = false;
      held.forEach(settleLater);
      await got.waitFor(60);
      expect(peak).toBeLessThanOrEqual(3);
      expect(new Set(got.items.map(idOf)).size).toBe(60);
    });

    it('redelivers an unsettled task after the ack wait, and working() postpones that', async () => {
      const bus = await open({ ackWaitMs: ACK_WAIT_SHORT });
      const task = makeTask({ queue: 'redeliver' });
      await bus.publishTasks([task]);
      const got = new Collector<{ d: Delivery<TaskMessage>; at: number }>();
      consume(bus, ['redeliver'], 5, (d) => got.push({ d, at: Date.now() }));

      const [first] = await got.waitFor(1);
      expect(first.d.redeliveries).toBe(0);
      const [, second] = await got.waitFor(2, ACK_WAIT_SHORT * 5);
      expect(second.d.body.taskId).toBe(task.taskId);
      expect(second.d.redeliveries).toBe(1);
      expect(second.at - first.at).toBeGreaterThanOrEqual(ACK_WAIT_SHORT * 0.8);

      // Keep the redelivered one alive for 2.5 ack waits: it must not come back meanwhile.
      const beats = setInterval(() => second.d.working(), ACK_WAIT_SHORT / 3);
      await delay(ACK_WAIT_SHORT * 2.5);
      clearInterval(beats);
      expect(got.items).toHaveLength(2);
      const [, , third] = await got.waitFor(3, ACK_WAIT_SHORT * 5);
      expect(third.d.redeliveries).toBe(2);
      expect(third.at - second.at).toBeGreaterThan(ACK_WAIT_SHORT * 2.5);
      await third.d.ack();
      // The stale first delivery's nak must not bring back a message that is done.
      first.d.nak();
      expect(await got.quietFor(ACK_WAIT_SHORT * 1.3)).toBe(0);
    });

    it('hands a nak-ed task out again, after the delay asked for', async () => {
      const bus = await open();
      const task = makeTask({ queue: 'naks' });
      await bus.publishTasks([task]);
      const got = new Collector<{ d: Delivery<TaskMessage>; at: number }>();
      consume(bus, ['naks'], 2, (d) => got.push({ d, at: Date.now() }));
      const [first] = await got.waitFor(1);
      first.d.nak(400);
      const [, second] = await got.waitFor(2);
      expect(second.d.body.taskId).toBe(task.taskId);
      expect(second.at - first.at).toBeGreaterThanOrEqual(350);
      second.d.term();
      expect(await got.quietFor()).toBe(0);
    });

    it('does not lose unsettled tasks when a consumer stops', async () => {
      const bus = await open({ ackWaitMs: ACK_WAIT_SHORT });
      const tasks = Array.from({ length: 6 }, () => makeTask({ queue: 'stopping' }));
      await bus.publishTasks(tasks);
      const firstGot = new Collector<Delivery<TaskMessage>>();
      const first = consume(bus, ['stopping'], 2, firstGot.push);
      await firstGot.waitFor(2);
      await first.stop();
      const countAtStop = firstGot.items.length;

      const got = new Collector<Delivery<TaskMessage>>();
      consume(bus, ['stopping'], 10, (d) => {
        got.push(d);
        void d.ack();
      });
      await got.waitFor(6, ACK_WAIT_SHORT * 6);
      expect(new Set(got.items.map(idOf))).toEqual(new Set(tasks.map((t) => t.taskId)));
      expect(firstGot.items.length).toBe(countAtStop);
    });

    it('stores a task publish once per taskId:attempt, and a new attempt again', async () => {
      const bus = await open();
      const task = makeTask({ queue: 'dedup' });
      await bus.publishTasks([task, task]);
      await bus.publishTasks([task]);
      const retry = { ...task, attempt: 2 };
      await bus.publishTasks([retry]);
      const got = new Collector<Delivery<TaskMessage>>();
      consume(bus, ['dedup'], 10, (d) => {
        got.push(d);
        void d.ack();
      });
      await got.waitFor(2);
      expect(got.items.map((d) => `${d.body.taskId}:${d.body.attempt}`)).toEqual([
        `${task.taskId}:1`,
        `${task.taskId}:2`,
      ]);
      expect(await got.quietFor()).toBe(0);
    });

    it('refuses a task over the 1 MiB message limit, naming it', async () => {
      const bus = await open();
      const big = makeTask({ queue: 'big', params: { blob: 'x'.repeat(1024 * 1024) } });
      await expect(bus.publishTasks([makeTask({ queue: 'big' }), big])).rejects.toThrow(big.taskId);
    });

    it('hands out claims and results in publish order and pulls an unacked one again', async () => {
      const bus = await open({ ackWaitMs: ACK_WAIT_SHORT });
      const expected: string[] = [];
      for (let i = 0; i < 10; i++) {
        const id = `ev-${i}`;
        await bus.publishClaim(makeClaim(id));
        await bus.publishResult(makeResult(id));
        expected.push(`claim:${id}`, `result:${id}`);
      }
      const label = (d: Delivery<PlannerEvent>): string =>
        d.body.kind === 'claim' ? `claim:${d.body.claim.taskId}` : `result:${d.body.result.taskId}`;

      const pulled = await pullUntil(bus, 20);
      expect(pulled.map(label)).toEqual(expected);
      const result = pulled[1].body;
      expect(result.kind === 'result' && result.result.output).toEqual({ ok: true });

      const kept = pulled[5];
      await Promise.all(pulled.filter((d) => d !== kept).map((d) => d.ack()));
      const [again] = await pullUntil(bus, 1, ACK_WAIT_SHORT * 5);
      expect(label(again)).toBe(label(kept));
      expect(again.redeliveries).toBe(1);
      await again.ack();
      expect(await bus.pullEvents(10, 300)).toEqual([]);
    });

    it('waits for the first event instead of returning empty at once', async () => {
      const bus = await open();
      const started = Date.now();
      expect(await bus.pullEvents(5, 400)).toEqual([]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(350);

      const pulling = bus.pullEvents(5, 5_000);
      const publishedAt = Date.now();
      await delay(100);
      await bus.publishResult(makeResult('waited-for'));
      const [event] = await pulling;
      expect(event.body.kind === 'result' && event.body.result.taskId).toBe('waited-for');
      expect(Date.now() - publishedAt).toBeLessThan(2_000);
      await event.ack();
    });

    const { publishRaw } = opts;
    it.skipIf(!publishRaw)('drops malformed messages and never hands them out', async () => {
      const logger = new RecordingLogger();
      const bus = await open({ logger });
      const raw = async (subject: string, text: string): Promise<void> => publishRaw?.(bus, subject, Buffer.from(text));
      await raw('sf.tasks.raw', 'not json');
      await raw('sf.tasks.raw', JSON.stringify({ taskId: '' }));
      const good = makeTask({ queue: 'raw' });
      await bus.publishTasks([good]);
      const got = new Collector<Delivery<TaskMessage>>();
      consume(bus, ['raw'], 10, (d) => {
        got.push(d);
        void d.ack();
      });
      await got.waitFor(1);
      expect(got.items.map(idOf)).toEqual([good.taskId]);
      expect(await got.quietFor()).toBe(0);

      await raw('sf.results', '{"taskId": 1}');
      await raw('sf.started', '[');
      await bus.publishClaim(makeClaim('after-junk'));
      const events = await pullUntil(bus, 1);
      expect(events.map((d) => d.body.kind === 'claim' && d.body.claim.taskId)).toEqual(['after-junk']);
      await events[0].ack();
      expect(await bus.pullEvents(10, 300)).toEqual([]);

      const beats = new Collector<HeartbeatMessage>();
      const controls = new Collector<ControlMessage>();
      consumers.push(bus.onHeartbeat(beats.push), bus.onControl(controls.push));
      // A delivery through the bus proves its subscriptions are in place before a peer publishes junk.
      await bus.publishControl({ type: 'cancel', runId: 'r', taskIds: [] });
      await controls.waitFor(1);
      await raw('sf.workers.heartbeat', '{}');
      await raw('sf.control', '{"type":"explode"}');
      await bus.publishControl({ type: 'cancel', runId: 'r', taskIds: [] });
      await controls.waitFor(2);
      expect(await beats.quietFor()).toBe(0);
      expect(controls.items).toHaveLength(2);
      expect(
        logger.warnings.filter((w) => /malformed/.test(w)),
        logger.warnings.join('\n'),
      ).toHaveLength(6);
    });

    it('broadcasts control messages and heartbeats to every listener', async () => {
      const bus = await open();
      const controlsA = new Collector<ControlMessage>();
      const controlsB = new Collector<ControlMessage>();
      const beatsA = new Collector<HeartbeatMessage>();
      const beatsB = new Collector<HeartbeatMessage>();
      const stopA = bus.onControl(controlsA.push);
      consumers.push(stopA, bus.onControl(controlsB.push), bus.onHeartbeat(beatsA.push), bus.onHeartbeat(beatsB.push));

      const cancel: ControlMessage = { type: 'cancel', runId: 'run-9', taskIds: ['t1', 't2'] };
      await bus.publishControl(cancel);
      const heartbeat: HeartbeatMessage = {
        workerId: 'w1',
        host: 'h',
        pid: 1,
        queues: ['default'],
        handlers: ['noop'],
        running: 0,
        at: new Date().toISOString(),
      };
      await bus.publishHeartbeat(heartbeat);
      await Promise.all([controlsA.waitFor(1), controlsB.waitFor(1), beatsA.waitFor(1), beatsB.waitFor(1)]);
      expect(controlsA.items[0]).toEqual(cancel);
      expect(beatsB.items[0]).toEqual(heartbeat);
      controlsA.items[0].taskIds.push('mutated');
      expect(controlsB.items[0].taskIds).toEqual(['t1', 't2']);

      await stopA.stop();
      await bus.publishControl(cancel);
      await controlsB.waitFor(2);
      expect(await controlsA.quietFor()).toBe(0);
    });

    it('publishes 2000 tasks and consumes all of them', async () => {
      const bus = await open();
      const tasks = Array.from({ length: 2_000 }, (_, i) =>
        makeTask({ queue: 'bulk', shardIndex: i, shardCount: 2_000 }),
      );
      const t0 = performance.now();
      await bus.publishTasks(tasks);
      const published = performance.now() - t0;
      const got = new Collector<Delivery<TaskMessage>>();
      const t1 = performance.now();
      consume(bus, ['bulk'], 256, (d) => {
        got.push(d);
        void d.ack();
      });
      await got.waitFor(2_000, 60_000);
      const consumed = performance.now() - t1;
      console.log(
        `[${name}] publishTasks(2000): ${published.toFixed(0)} ms; consume+ack 2000: ${consumed.toFixed(0)} ms`,
      );
      expect(new Set(got.items.map(idOf)).size).toBe(2_000);
      expect(await got.quietFor()).toBe(0);
    });
  });
}
