import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  type ConsumerConfig,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { describeError, type BusLogger } from '../bus-codec';
import type { NatsNames } from './nats-names';

export interface SetupOptions {
  ackWaitMs: number;
  duplicateWindowMs: number;
  maxAckPending: number;
}

/**
 * Creates the stream, or brings an existing one to this config. Many processes run this at once:
 * identical creates succeed, and "already in use" falls back to an update; an update the server
 * refuses (e.g. a retention change) keeps the existing stream and says so.
 */
async function ensureStream(
  jsm: JetStreamManager,
  config: Partial<StreamConfig> & { name: string },
  logger: BusLogger,
): Promise<void> {
  try {
    await jsm.streams.add(config);
    return;
  } catch (err) {
    if (!/already in use/i.test(describeError(err))) throw err;
  }
  try {
    await jsm.streams.update(config.name, config);
  } catch (err) {
    logger.warn(
      `stream ${config.name} exists with another configuration that cannot be updated (${describeError(err)}); using it as it is`,
    );
  }
}

function streamConfig(name: string, subjects: string[], opts: SetupOptions): Partial<StreamConfig> & { name: string } {
  return {
    name,
    subjects,
    // Work queue: a message lives until acked, however long no consumer runs, and acked ones free storage.
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    duplicate_window: nanos(opts.duplicateWindowMs),
    num_replicas: 1,
  };
}

export async function ensureTasksStream(
  jsm: JetStreamManager,
  names: NatsNames,
  opts: SetupOptions,
  logger: BusLogger,
): Promise<void> {
  await ensureStream(jsm, streamConfig(names.tasksStream, [names.tasksWildcard], opts), logger);
}

export async function ensureEventsStream(
  jsm: JetStreamManager,
  names: NatsNames,
  opts: SetupOptions,
  logger: BusLogger,
): Promise<void> {
  await ensureStream(jsm, streamConfig(names.eventsStream, names.eventSubjects, opts), logger);
}

function consumerConfig(durable: string, opts: SetupOptions, filter?: string): Partial<ConsumerConfig> {
  return {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(opts.ackWaitMs),
    max_ack_pending: opts.maxAckPending,
    deliver_policy: DeliverPolicy.All,
    max_deliver: -1,
    ...(filter === undefined ? {} : { filter_subject: filter }),
  };
}

// Server 2.9 treats a create of an existing durable as create-or-update, which makes this idempotent.
export async function ensureTaskConsumer(
  jsm: JetStreamManager,
  names: NatsNames,
  queue: string,
  opts: SetupOptions,
): Promise<void> {
  await jsm.consumers.add(names.tasksStream, consumerConfig(names.taskConsumer(queue), opts, names.taskSubject(queue)));
}

/** One unfiltered consumer, so claims and results come out in the order they were stored. */
export async function ensureEventsConsumer(jsm: JetStreamManager, names: NatsNames, opts: SetupOptions): Promise<void> {
  await jsm.consumers.add(names.eventsStream, consumerConfig(names.eventsConsumer, opts));
}
