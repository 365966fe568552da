import { Logger } from '@nestjs/common';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import {
  claimMessageSchema,
  controlMessageSchema,
  decodeMessage,
  heartbeatMessageSchema,
  resultMessageSchema,
  type ClaimMessage,
  type ControlMessage,
  type HeartbeatMessage,
  type PlannerEvent,
  type ResultMessage,
  type TaskMessage,
  SUBJECTS,
} from '../../libs/contracts/messages';
import {
  assertQueueName,
  decodeEvent,
  DEFAULT_MAX_PAYLOAD,
  describeError,
  encodeChecked,
  encodeTask,
  taskMsgId,
  TaskRefusedError,
  type BusLogger,
} from './bus-codec';
import { InFlightGate } from './in-flight-gate';
import { natsDelivery, sendAckToken } from './nats/jetstream-delivery';
import { JetStreamPuller } from './nats/jetstream-puller';
import { ensureEventsConsumer, ensureEventsStream, ensureTaskConsumer, ensureTasksStream, type SetupOptions } from './nats/jetstream-setup';
import { NatsNames } from './nats/nats-names';
import { pipeline } from './nats/publish-pipeline';
import { TaskPullLoop } from './nats/task-pull-loop';
import type { Delivery, Stoppable, TaskBus, TaskConsumerOptions } from './task-bus.port';

export interface NatsTaskBusOptions {
  url: string;
  /** Prepended to every subject (`t1.` → `t1.sf.tasks.q`); stream names derive from it, so prefixed buses share nothing. */
  subjectPrefix?: string;
  /** Unsettled deliveries come back after this (default 30000). */
  ackWaitMs?: number;
  /** Task publishes with the same `taskId:attempt` within this window are stored once (default 120000). */
  duplicateWindowMs?: number;
  /** Connection name shown by the server's monitoring. */
  name?: string;
  logger?: BusLogger;
  /** Deliveries handed out and not yet acked, per consumer, across all processes (default 10000). */
  maxAckPending?: number;
  /** How long one idle pull request waits on the server; also the longest a consumer `stop()` takes (default 3000). */
  pullWaitMs?: number;
  /** Publishes in flight at once in `publishTasks` (default 512). */
  publishWindow?: number;
  /** PubAck and ack-reply timeout (default 10000). */
  requestTimeoutMs?: number;
}

// Upper bound of what one `Nats-Msg-Id` header adds to a message (NATS/1.0 line, header name, CRLFs).
const HEADER_OVERHEAD = 64;
const MAX_PULL_BATCH = 256;

/** The task bus over NATS JetStream (tasks, claims, results) and core NATS (heartbeats, control). */
export class NatsTaskBus implements TaskBus {
  readonly names: NatsNames;
  private readonly setup: SetupOptions;
  private readonly logger: BusLogger;
  private readonly pullWaitMs: number;
  private readonly publishWindow: number;
  private readonly requestTimeoutMs: number;
  private connecting: Promise<void> | null = null;
  private nc: NatsConnection | null = null;
  private js: JetStreamClient | null = null;
  private jsm: JetStreamManager | null = null;
  private eventsPuller: JetStreamPuller | null = null;
  private eventsTurn: Promise<unknown> = Promise.resolve();
  private readonly loops = new Set<TaskPullLoop>();
  private readonly subs = new Set<Subscription>();
  private closing: Promise<void> | null = null;

  constructor(private readonly options: NatsTaskBusOptions) {
    this.names = new NatsNames(options.subjectPrefix ?? '');
    this.setup = {
      ackWaitMs: positive('ackWaitMs', options.ackWaitMs ?? 30_000),
      duplicateWindowMs: positive('duplicateWindowMs', options.duplicateWindowMs ?? 120_000),
      maxAckPending: positive('maxAckPending', options.maxAckPending ?? 10_000),
    };
    this.logger = options.logger ?? new Logger('NatsTaskBus');
    this.pullWaitMs = positive('pullWaitMs', options.pullWaitMs ?? 3_000);
    this.publishWindow = positive('publishWindow', options.publishWindow ?? 512);
    this.requestTimeoutMs = positive('requestTimeoutMs', options.requestTimeoutMs ?? 10_000);
  }

  /** Connects and sets up streams: the usual way to get a ready bus. */
  static async connect(options: NatsTaskBusOptions): Promise<NatsTaskBus> {
    const bus = new NatsTaskBus(options);
    await bus.init();
    return bus;
  }

  init(): Promise<void> {
    this.connecting ??= this.connectAndSetUp().catch((err: unknown) => {
      this.connecting = null;
      throw err;
    });
    return this.connecting;
  }

  async publishTasks(tasks: TaskMessage[]): Promise<void> {
    const { nc, js } = this.ready();
    const maxBytes = nc.info?.max_payload ?? DEFAULT_MAX_PAYLOAD;
    // Everything is checked before anything is sent, so one bad task cannot leave half a batch behind.
    const prepared = tasks.map((task) => ({
      task,
      subject: this.names.taskSubject(task.queue),
      data: encodeTask(task, maxBytes, HEADER_OVERHEAD),
    }));
    await pipeline(prepared, this.publishWindow, async ({ task, subject, data }) => {
      try {
        await js.publish(subject, data, { msgID: taskMsgId(task), timeout: this.requestTimeoutMs });
      } catch (err) {
        throw new TaskRefusedError(task.taskId, task.attempt, `publish to ${subject} failed: ${describeError(err)}`);
      }
    });
  }

  pullEvents(max: number, waitMs: number): Promise<Delivery<PlannerEvent>[]> {
    // Serialised: a single pull at a time keeps the consumer's order and the puller's one-pull rule.
    const turn = this.eventsTurn.then(() => this.pullEventsNow(max, waitMs));
    this.eventsTurn = turn.catch(() => undefined);
    return turn;
  }

  async publishControl(message: ControlMessage): Promise<void> {
    const { nc } = this.ready();
    nc.publish(this.names.subject(SUBJECTS.control), encodeChecked(controlMessageSchema, message, 'control message'));
    // A cancel matters: make sure it left this process before saying it was sent.
    await nc.flush();
  }

  onHeartbeat(listener: (heartbeat: HeartbeatMessage) => void): Stoppable {
    return this.listen(SUBJECTS.heartbeat, (data) => {
      const decoded = decodeMessage(heartbeatMessageSchema, data);
      if (decoded.ok) listener(decoded.value);
      else this.logger.warn(`dropping malformed heartbeat: ${decoded.error}`);
    });
  }

  consumeTasks(options: TaskConsumerOptions, onTask: (delivery: Delivery<TaskMessage>) => void): Stoppable {
    const { nc, jsm } = this.ready();
    const queues = [...new Set(options.queues)];
    if (queues.length === 0) throw new Error('consumeTasks needs at least one queue');
    queues.forEach(assertQueueName);
    const gate = new InFlightGate(options.maxInFlight);
    const busyBatch = Math.min(MAX_PULL_BATCH, Math.max(1, Math.ceil(options.maxInFlight / queues.length)));
    const loops = queues.map(
      (queue) =>
        new TaskPullLoop({
          nc,
          queue,
          nextSubject: this.names.nextSubject(this.names.tasksStream, this.names.taskConsumer(queue)),
          gate,
          busyBatch: queues.length === 1 ? Math.min(MAX_PULL_BATCH, options.maxInFlight) : busyBatch,
          idleBatch: queues.length === 1 ? busyBatch : 1,
          pullWaitMs: this.pullWaitMs,
          ackTimeoutMs: this.requestTimeoutMs,
          ensureConsumer: async () => {
            await ensureTasksStream(jsm, this.names, this.setup, this.logger);
            await ensureTaskConsumer(jsm, this.names, queue, this.setup);
          },
          onTask,
          logger: this.logger,
        }),
    );
    loops.forEach((loop) => this.loops.add(loop));
    return {
      stop: async () => {
        await Promise.all(loops.map((loop) => loop.stop()));
        loops.forEach((loop) => this.loops.delete(loop));
      },
    };
  }

  publishClaim(claim: ClaimMessage): Promise<void> {
    const data = encodeChecked(claimMessageSchema, claim, `claim of task ${claim.taskId}`);
    return this.publishEvent(SUBJECTS.started, data, `claim:${claim.taskId}:${claim.attempt}:${claim.workerId}`);
  }

  publishResult(result: ResultMessage): Promise<void> {
    const data = encodeChecked(resultMessageSchema, result, `result of task ${result.taskId}`);
    return this.publishEvent(SUBJECTS.results, data, `result:${result.taskId}:${result.attempt}:${result.workerId}`);
  }

  onControl(listener: (message: ControlMessage) => void): Stoppable {
    return this.listen(SUBJECTS.control, (data) => {
      const decoded = decodeMessage(controlMessageSchema, data);
      if (decoded.ok) listener(decoded.value);
      else this.logger.warn(`dropping malformed control message: ${decoded.error}`);
    });
  }

  async publishHeartbeat(heartbeat: HeartbeatMessage): Promise<void> {
    const { nc } = this.ready();
    nc.publish(this.names.subject(SUBJECTS.heartbeat), encodeChecked(heartbeatMessageSchema, heartbeat, 'heartbeat'));
  }

  /** Stops consumers (their unsettled deliveries come back after the ack wait), then drains the connection. */
  close(): Promise<void> {
    this.closing ??= this.closeNow();
    return this.closing;
  }

  private async connectAndSetUp(): Promise<void> {
    const nc = await connect({
      servers: this.options.url,
      name: this.options.name ?? 'shardflow',
      // NATS restarts must be survivable: never give up reconnecting, and notice a dead server within ~30 s.
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1_000,
      pingInterval: 10_000,
      maxPingOut: 3,
    });
    this.watchStatus(nc);
    try {
      const jsm = await jetstreamManager(nc, { timeout: this.requestTimeoutMs });
      await ensureTasksStream(jsm, this.names, this.setup, this.logger);
      await ensureEventsStream(jsm, this.names, this.setup, this.logger);
      await ensureEventsConsumer(jsm, this.names, this.setup);
      this.nc = nc;
      this.jsm = jsm;
      this.js = jetstream(nc, { timeout: this.requestTimeoutMs });
    } catch (err) {
      await nc.close();
      throw new Error(`NATS at ${this.options.url}: cannot set up JetStream (is it enabled?): ${describeError(err)}`, { cause: err });
    }
  }

  private watchStatus(nc: NatsConnection): void {
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === 'disconnect') this.logger.warn(`NATS disconnected from ${status.server}; reconnecting`);
        else if (status.type === 'reconnect') this.logger.log(`NATS reconnected to ${status.server}`);
        else if (status.type === 'error') this.logger.warn(`NATS error: ${describeError(status.error)}`);
      }
    })();
  }

  private ready(): { nc: NatsConnection; js: JetStreamClient; jsm: JetStreamManager } {
    if (this.closing) throw new Error('NatsTaskBus is closed');
    if (!this.nc || !this.js || !this.jsm) throw new Error('NatsTaskBus: call init() before using the bus');
    return { nc: this.nc, js: this.js, jsm: this.jsm };
  }

  private async publishEvent(subject: string, data: Uint8Array, msgID: string): Promise<void> {
    const { js } = this.ready();
    await js.publish(this.names.subject(subject), data, { msgID, timeout: this.requestTimeoutMs });
  }

  private async pullEventsNow(max: number, waitMs: number): Promise<Delivery<PlannerEvent>[]> {
    const { nc, jsm } = this.ready();
    if (!Number.isInteger(max) || max < 1) throw new Error(`pullEvents: max must be a positive integer, got ${max}`);
    this.eventsPuller ??= new JetStreamPuller(nc, this.names.nextSubject(this.names.eventsStream, this.names.eventsConsumer), this.logger);
    const outcome = await this.eventsPuller.pull(max, Math.max(0, waitMs));
    if ((outcome.end === 'lost' || outcome.end === 'refused') && !this.closing) {
      // The consumer (or the server's state) may be gone; re-create it so the next pull can work.
      await ensureEventsStream(jsm, this.names, this.setup, this.logger)
        .then(() => ensureEventsConsumer(jsm, this.names, this.setup))
        .catch((err: unknown) => this.logger.warn(`cannot repair the events consumer: ${describeError(err)}`));
    }
    const deliveries: Delivery<PlannerEvent>[] = [];
    for (const msg of outcome.messages) {
      const decoded = decodeEvent(this.names.unprefixed(msg.subject), msg.data);
      if (!decoded.ok) {
        this.logger.warn(`dropping malformed event on ${msg.subject}: ${decoded.error}`);
        sendAckToken(nc, msg, '+TERM', this.logger);
        continue;
      }
      // Confirmed acks: the leader acks after its commit and may want to know the event will not return.
      deliveries.push(natsDelivery(nc, msg, decoded.value, { ackMode: 'confirmed', ackTimeoutMs: this.requestTimeoutMs, logger: this.logger }));
    }
    return deliveries;
  }

  private listen(subject: string, onData: (data: Uint8Array) => void): Stoppable {
    const { nc } = this.ready();
    const sub = nc.subscribe(this.names.subject(subject), {
      callback: (err, msg) => {
        if (err) {
          this.logger.warn(`subscription to ${subject} failed: ${describeError(err)}`);
          return;
        }
        try {
          onData(msg.data);
        } catch (listenerErr) {
          this.logger.warn(`listener on ${subject} threw: ${describeError(listenerErr)}`);
        }
      },
    });
    this.subs.add(sub);
    return {
      stop: async () => {
        this.subs.delete(sub);
        sub.unsubscribe();
      },
    };
  }

  private async closeNow(): Promise<void> {
    await Promise.all([...this.loops].map((loop) => loop.stop()));
    this.loops.clear();
    this.eventsPuller?.dispose();
    if (this.connecting) await this.connecting.catch(() => undefined);
    const nc = this.nc;
    if (nc && !nc.isClosed()) await nc.drain();
  }
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new Error(`NatsTaskBus: ${name} must be a positive number, got ${value}`);
  return value;
}
