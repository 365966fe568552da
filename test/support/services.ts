import { connect } from '@nats-io/transport-node';
import { randomBytes } from 'node:crypto';

export const NATS_URL = process.env.NATS_URL || 'nats://127.0.0.1:4222';

/**
 * Tests that need NATS fail, never skip, when it is down: a green run must mean the real
 * bus was exercised.
 */
export async function requireNats(): Promise<void> {
  try {
    const nc = await connect({ servers: NATS_URL, timeout: 3000, reconnect: false });
    await nc.close();
  } catch (err) {
    throw new Error(`NATS is not reachable at ${NATS_URL} (${(err as Error).message}); start it (see README)`);
  }
}

/** A subject/stream prefix of this test's own, so test files sharing one NATS never meet. */
export function uniqueNatsPrefix(): string {
  return `t${randomBytes(4).toString('hex')}.`;
}
