import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { NatsTaskBus, type NatsTaskBusOptions } from '../../src/bus/nats-task-bus';
import type { TaskBus } from '../../src/bus/task-bus.port';

export const NATS_URL = process.env.NATS_URL || 'nats://127.0.0.1:4222';

let seq = 0;

/** A prefix no other test file or run uses, so every bus gets its own streams. */
export function uniquePrefix(): string {
  return `t${process.pid}_${Date.now().toString(36)}_${++seq}.`;
}

/**
 * Test access to a NATS server: buses on unique prefixes, raw publishes from a separate connection,
 * and removal of every stream the tests made. An unreachable server fails the tests (locally and in
 * CI alike) with one clear line, instead of skipping guarantees nobody checked.
 */
export class NatsFixture {
  private admin: NatsConnection | null = null;
  private jsm: JetStreamManager | null = null;
  private readonly buses = new Map<TaskBus, NatsTaskBus>();

  constructor(readonly url = NATS_URL) {}

  async open(): Promise<void> {
    try {
      this.admin = await connect({ servers: this.url, timeout: 3_000, maxReconnectAttempts: 0 });
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new Error(
        `NATS is not reachable at ${this.url} (${why}). These tests need nats-server with JetStream (nats-server -js); set NATS_URL to point elsewhere.`,
      );
    }
    this.jsm = await jetstreamManager(this.admin);
  }

  makeBus(options: Partial<NatsTaskBusOptions> = {}): NatsTaskBus {
    const bus = new NatsTaskBus({ url: this.url, subjectPrefix: uniquePrefix(), pullWaitMs: 1_000, ...options });
    this.buses.set(bus, bus);
    return bus;
  }

  async publishRaw(bus: TaskBus, subject: string, data: Uint8Array): Promise<void> {
    const nats = this.buses.get(bus);
    if (!nats || !this.admin) throw new Error('publishRaw: not a bus of this fixture');
    const full = nats.names.subject(subject);
    if (subject.startsWith('sf.tasks.') || subject === 'sf.started' || subject === 'sf.results') {
      await jetstream(this.admin).publish(full, data);
    } else {
      this.admin.publish(full, data);
      await this.admin.flush();
    }
  }

  /** Deletes every stream made by this fixture's buses (closing them first). */
  async cleanUp(): Promise<void> {
    const buses = [...this.buses.values()];
    this.buses.clear();
    await Promise.all(buses.map((bus) => bus.close().catch(() => undefined)));
    if (this.jsm) {
      for (const name of new Set(buses.flatMap((bus) => [bus.names.tasksStream, bus.names.eventsStream]))) {
        await this.jsm.streams.delete(name).catch(() => undefined);
      }
    }
    await this.admin?.close();
    this.admin = null;
  }

  async streamNames(): Promise<string[]> {
    if (!this.jsm) return [];
    const names: string[] = [];
    for await (const name of this.jsm.streams.names()) names.push(name);
    return names;
  }
}
