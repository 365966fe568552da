import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskMessage } from '../../libs/contracts/messages';
import { NatsTaskBus } from '../../src/bus/nats-task-bus';
import type { Delivery } from '../../src/bus/task-bus.port';
import { Collector, makeClaim, makeTask } from './bus-test-kit';
import { natsServerAvailable, NatsServerProcess } from './nats-server-process';

/** Resolves when a log line matches: the test waits on the bus's own reconnect report, not on a clock. */
class WaitingLogger {
  private waiters: Array<{ pattern: RegExp; resolve: () => void }> = [];
  readonly lines: string[] = [];
  warn(msg: string): void {
    this.record(msg);
  }
  log(msg: string): void {
    this.record(msg);
  }
  next(pattern: RegExp, timeoutMs = 20_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no log line matching ${pattern} in ${timeoutMs} ms:\n${this.lines.join('\n')}`)),
        timeoutMs,
      );
      this.waiters.push({ pattern, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }
  private record(msg: string): void {
    this.lines.push(msg);
    const matched = this.waiters.filter((w) => w.pattern.test(msg));
    this.waiters = this.waiters.filter((w) => !matched.includes(w));
    matched.forEach((w) => w.resolve());
  }
}

// Needs a nats-server binary to restart (a shared server must not be restarted by a test); without one, say so and skip.
const available = natsServerAvailable();
if (!available) console.log('nats-reconnect: no nats-server binary (set NATS_SERVER_BIN); skipping the restart test');

describe.skipIf(!available)('NatsTaskBus across a NATS restart', () => {
  const server = new NatsServerProcess();
  let bus: NatsTaskBus;
  const logger = new WaitingLogger();

  beforeAll(async () => {
    await server.start();
    bus = await NatsTaskBus.connect({ url: server.url, pullWaitMs: 1_000, ackWaitMs: 5_000, logger });
  });

  afterAll(async () => {
    await bus?.close();
    await server.dispose();
  });

  it('keeps stored tasks and resumes consumers and event pulls after the server restarts', async () => {
    const got = new Collector<Delivery<TaskMessage>>();
    const consumer = bus.consumeTasks({ queues: ['live'], maxInFlight: 8 }, (d) => {
      got.push(d);
      void d.ack();
    });
    const before = makeTask({ queue: 'live' });
    await bus.publishTasks([before]);
    await got.waitFor(1);
    const waiting = makeTask({ queue: 'later' });
    await bus.publishTasks([waiting]);

    const disconnected = logger.next(/disconnected/);
    await server.stop();
    await disconnected;
    const reconnected = logger.next(/reconnected/);
    await server.start();
    await reconnected;

    const after = makeTask({ queue: 'live' });
    await bus.publishTasks([after]);
    await got.waitFor(2, 20_000);
    expect(got.items.map((d) => d.body.taskId)).toEqual([before.taskId, after.taskId]);

    const later = new Collector<Delivery<TaskMessage>>();
    const laterConsumer = bus.consumeTasks({ queues: ['later'], maxInFlight: 1 }, (d) => {
      later.push(d);
      void d.ack();
    });
    await later.waitFor(1);
    expect(later.items[0].body.taskId).toBe(waiting.taskId);

    await bus.publishClaim(makeClaim(after.taskId));
    const events = await bus.pullEvents(10, 5_000);
    expect(events.map((d) => d.body.kind === 'claim' && d.body.claim.taskId)).toEqual([after.taskId]);
    await Promise.all(events.map((d) => d.ack()));
    await Promise.all([consumer.stop(), laterConsumer.stop()]);
  });
});
