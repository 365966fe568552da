import { nanos, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { SettleOnceDelivery } from '../delivery';
import { describeError, type BusLogger } from '../bus-codec';

/**
 * `plain`: ack is fire-and-forget (a lost ack means a redelivery the receiver ignores).
 * `confirmed`: ack waits for the server's reply, so the caller knows the message will not return.
 */
export type AckMode = 'plain' | 'confirmed';

/** The delivery count is the third field after stream and consumer in both ack-subject layouts. */
export function redeliveriesOf(msg: Msg): number {
  const tokens = (msg.reply ?? '').split('.');
  const index = tokens.length === 9 ? 4 : tokens.length >= 11 ? 6 : -1;
  const delivered = index < 0 ? NaN : Number(tokens[index]);
  return Number.isFinite(delivered) && delivered > 0 ? delivered - 1 : 0;
}

export function sendAckToken(nc: NatsConnection, msg: Msg, token: string, logger: BusLogger): void {
  if (!msg.reply) return;
  try {
    nc.publish(msg.reply, token);
  } catch (err) {
    // Not fatal: an unsettled message comes back after the ack wait.
    logger.warn(`could not send ${token.split(' ')[0]} for ${msg.subject}: ${describeError(err)}`);
  }
}

export function natsDelivery<T>(
  nc: NatsConnection,
  msg: Msg,
  body: T,
  opts: { ackMode: AckMode; ackTimeoutMs: number; logger: BusLogger; onSettled?: () => void },
): SettleOnceDelivery<T> {
  const reply = msg.reply;
  const { logger } = opts;
  return new SettleOnceDelivery<T>(
    body,
    redeliveriesOf(msg),
    {
      ack: async () => {
        if (!reply) return;
        if (opts.ackMode === 'confirmed') await nc.request(reply, '+ACK', { timeout: opts.ackTimeoutMs });
        else nc.publish(reply, '+ACK');
      },
      nak: (delayMs) =>
        sendAckToken(nc, msg, delayMs > 0 ? `-NAK ${JSON.stringify({ delay: nanos(delayMs) })}` : '-NAK', logger),
      working: () => sendAckToken(nc, msg, '+WPI', logger),
      term: () => sendAckToken(nc, msg, '+TERM', logger),
    },
    opts.onSettled,
  );
}
