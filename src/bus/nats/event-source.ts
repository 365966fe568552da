import type { NatsConnection } from '@nats-io/transport-node';
import type { PlannerEvent } from '../../../libs/contracts/messages';
import { decodeEvent, describeError, type BusLogger } from '../bus-codec';
import type { Delivery } from '../task-bus.port';
import { natsDelivery, sendAckToken } from './jetstream-delivery';
import { JetStreamPuller } from './jetstream-puller';
import type { NatsNames } from './nats-names';

/** The leader's side of the events consumer: ordered pulls, decoded and validated, malformed ones termed. */
export class NatsEventSource {
  private readonly puller: JetStreamPuller;
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly nc: NatsConnection,
    private readonly names: NatsNames,
    /** Re-creates the events stream and consumer after a pull found nobody answering. */
    private readonly repair: () => Promise<void>,
    private readonly ackTimeoutMs: number,
    private readonly logger: BusLogger,
  ) {
    this.puller = new JetStreamPuller(nc, names.nextSubject(names.eventsStream, names.eventsConsumer), logger);
  }

  pull(max: number, waitMs: number): Promise<Delivery<PlannerEvent>[]> {
    if (!Number.isInteger(max) || max < 1)
      return Promise.reject(new Error(`pullEvents: max must be a positive integer, got ${max}`));
    // One pull at a time: overlapping pulls would interleave deliveries and break publish order.
    const next = this.turn.then(() => this.pullNow(max, Math.max(0, waitMs)));
    this.turn = next.catch(() => undefined);
    return next;
  }

  dispose(): void {
    this.puller.dispose();
  }

  private async pullNow(max: number, waitMs: number): Promise<Delivery<PlannerEvent>[]> {
    const outcome = await this.puller.pull(max, waitMs);
    if (outcome.end === 'lost' || outcome.end === 'refused') {
      await this.repair().catch((err: unknown) =>
        this.logger.warn(`cannot repair the events consumer: ${describeError(err)}`),
      );
    }
    const deliveries: Delivery<PlannerEvent>[] = [];
    for (const msg of outcome.messages) {
      const decoded = decodeEvent(this.names.unprefixed(msg.subject), msg.data);
      if (!decoded.ok) {
        this.logger.warn(`dropping malformed event on ${msg.subject}: ${decoded.error}`);
        sendAckToken(this.nc, msg, '+TERM', this.logger);
        continue;
      }
      // Confirmed acks: the leader acks after its commit, and a resolved ack means the event will not return.
      deliveries.push(
        natsDelivery(this.nc, msg, decoded.value, {
          ackMode: 'confirmed',
          ackTimeoutMs: this.ackTimeoutMs,
          logger: this.logger,
        }),
      );
    }
    return deliveries;
  }
}
