import { Logger } from '@nestjs/common';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
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
  DEFAULT_MAX_PAYLOAD,
  describeError,
  encodeChecked,
  encodeTask,
  taskMsgId,
  type BusLogger,
} from './bus-codec';
import { InFlightGate } from './in-flight-gate';
import { NatsEventSource } from './nats/event-source';
import {
  ensureEventsConsumer,
  ensureEventsStream,
  ensureTaskConsumer,
  ensureTasksStream,
  type SetupOptions,
} from './nats/jetstream-setup';
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
const REPAIR_TIMEOUT_MS = 3_000;

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
  /** For repairs from pull loops: short timeout, so a request lost in a reconnect is retried soon. */
  private repairJsm: JetStreamManager | null = null;
  private events: NatsEventSource | null = null;
  private readonly loops = new Set<TaskPullLoop>();
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
        // Transient (no PubAck in time, disconnected): a plain error, so the caller retries rather than fails the task.
        throw new Error(`publishing task ${taskMsgId(task)} to ${subject} failed: ${describeError(err)}`, {
          cause: err,
        });
      }
    });
  }

  pullEvents(max: number, waitMs: number): Promise<Delivery<PlannerEvent>[]> {
    const { nc } = this.ready();
    this.events ??= new NatsEventSource(nc, this.names, () => this.repairEvents(), this.requestTimeoutMs, this.logger);
    return this.events.pull(max, waitMs);
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
    const { nc, repairJsm } = this.ready();
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
            await ensureTasksStream(repairJsm, this.names, this.setup, this.logger);
            await ensureTaskConsumer(repairJsm, this.names, queue, this.setup);
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
      this.repairJsm = await jetstreamManager(nc, { timeout: REPAIR_TIMEOUT_MS, checkAPI: false });
      this.js = jetstream(nc, { timeout: this.requestTimeoutMs });
    } catch (err) {
      await nc.close();
      throw new Error(`NATS at ${this.options.url}: cannot set up JetStream (is it enabled?): ${describeError(err)}`, {
        cause: err,
      });
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

  private ready(): { nc: NatsConnection; js: JetStreamClient; repairJsm: JetStreamManager } {
    if (this.closing) throw new Error('NatsTaskBus is closed');
    if (!this.nc || !this.js || !this.repairJsm) throw new Error('NatsTaskBus: call init() before using the bus');
    return { nc: this.nc, js: this.js, repairJsm: this.repairJsm };
  }

  private async repairEvents(): Promise<void> {
    if (this.closing) return;
    const { repairJsm } = this.ready();
    await ensureEventsStream(repairJsm, this.names, this.setup, this.logger);
    await ensureEventsConsumer(repairJsm, this.names, this.setup);
  }

  private async publishEvent(subject: string, data: Uint8Array, msgID: string): Promise<void> {
    const { js } = this.ready();
    await js.publish(this.names.subject(subject), data, { msgID, timeout: this.requestTimeoutMs });
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
    return { stop: async () => sub.unsubscribe() };
  }

  private async closeNow(): Promise<void> {
    await Promise.all([...this.loops].map((loop) => loop.stop()));
    this.loops.clear();
    this.events?.dispose();
    if (this.connecting) await this.connecting.catch(() => undefined);
    const nc = this.nc;
    if (nc && !nc.isClosed()) await nc.drain();
  }
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`NatsTaskBus: ${name} must be a positive number, got ${value}`);
  return value;
}
