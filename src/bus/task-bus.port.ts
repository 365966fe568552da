import type {
  ClaimMessage,
  ControlMessage,
  HeartbeatMessage,
  PlannerEvent,
  ResultMessage,
  TaskMessage,
} from '../../libs/contracts/messages';

/** DI token of the task bus: `NatsTaskBus` (NATS JetStream) or `InProcessTaskBus` (embedded). */
export const TASK_BUS = Symbol('TASK_BUS');

/**
 * A message handed out by the bus that must be settled exactly once.
 * Until it is acked (or termed) it counts as in flight and is redelivered
 * after the bus's ack wait if its holder dies.
 */
export interface Delivery<T> {
  readonly body: T;
  /** How many times this message was delivered before (0 on the first delivery). */
  readonly redeliveries: number;
  /** Done: never deliver again. */
  ack(): Promise<void>;
  /** Give it back: deliver again (to anyone) after `delayMs` (default: at once). */
  nak(delayMs?: number): void;
  /** Still working on it: restart the ack-wait clock (JetStream in-progress ack). */
  working(): void;
  /** Never deliver again, and it was not processed (poison or refused). */
  term(): void;
}

export interface TaskConsumerOptions {
  /** Queues to serve; one durable consumer each (`sf.tasks.<queue>`). */
  queues: string[];
  /** At most this many task deliveries are outstanding (handed out, not yet settled) at once. */
  maxInFlight: number;
}

export interface Stoppable {
  /** Stop pulling; deliveries already handed out stay valid until settled. Resolves when no more will be handed out. */
  stop(): Promise<void>;
}

export interface TaskBus {
  // ---- planner side ----
  /**
   * Publishes tasks to `sf.tasks.<queue>`, pipelined; resolves once the bus holds every one
   * (JetStream PubAck). De-duplicated by `${taskId}:${attempt}` within the bus's window, so a
   * republish after a crash does not deliver twice.
   */
  publishTasks(tasks: TaskMessage[]): Promise<void>;
  /**
   * Pulls up to `max` claims and results in publish order, waiting at most `waitMs` for the first.
   * Only the leader calls this. Malformed messages are termed and logged by the bus, never returned.
   */
  pullEvents(max: number, waitMs: number): Promise<Delivery<PlannerEvent>[]>;
  /** Broadcasts to every worker (core NATS `sf.control`; at-most-once). */
  publishControl(message: ControlMessage): Promise<void>;
  /** Receives worker heartbeats (core NATS `sf.workers.heartbeat`). */
  onHeartbeat(listener: (heartbeat: HeartbeatMessage) => void): Stoppable;

  // ---- worker side ----
  /** Hands task deliveries to `onTask`, never more than `maxInFlight` unsettled at once. */
  consumeTasks(options: TaskConsumerOptions, onTask: (delivery: Delivery<TaskMessage>) => void): Stoppable;
  /** Publishes a claim on `sf.started`; resolves once the bus holds it. */
  publishClaim(claim: ClaimMessage): Promise<void>;
  /** Publishes a result on `sf.results`; resolves once the bus holds it. */
  publishResult(result: ResultMessage): Promise<void>;
  onControl(listener: (message: ControlMessage) => void): Stoppable;
  publishHeartbeat(heartbeat: HeartbeatMessage): Promise<void>;

  /** Creates streams and consumers if missing. Idempotent; safe for many processes at once. */
  init(): Promise<void>;
  close(): Promise<void>;
}
