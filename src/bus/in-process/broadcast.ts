import type { z } from 'zod';
import { decodeMessage } from '../../../libs/contracts/messages';
import { describeError, type BusLogger } from '../bus-codec';
import type { Stoppable } from '../task-bus.port';

/**
 * Core-NATS-like fan-out: at-most-once to the listeners present at publish time, each on its own
 * later tick (a publisher never runs listener code) with its own decoded copy.
 */
export class Broadcast<T> {
  private readonly listeners = new Set<(value: T) => void>();

  constructor(
    private readonly what: string,
    private readonly schema: z.ZodType<T>,
    private readonly logger: BusLogger,
  ) {}

  listen(listener: (value: T) => void): Stoppable {
    const own = (value: T): void => listener(value);
    this.listeners.add(own);
    return { stop: async () => void this.listeners.delete(own) };
  }

  publish(data: Uint8Array): void {
    for (const listener of this.listeners) {
      setImmediate(() => {
        if (!this.listeners.has(listener)) return;
        const decoded = decodeMessage(this.schema, data);
        if (!decoded.ok) {
          this.logger.warn(`dropping malformed ${this.what}: ${decoded.error}`);
          return;
        }
        try {
          listener(decoded.value);
        } catch (err) {
          this.logger.warn(`${this.what} listener threw: ${describeError(err)}`);
        }
      });
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
