import type { Delivery } from './task-bus.port';

/** What settling does on a concrete bus; called at most once per delivery for ack/nak/term. */
export interface DeliveryActions {
  ack(): Promise<void>;
  nak(delayMs: number): void;
  working(): void;
  term(): void;
}

/**
 * A delivery that settles once: later ack/nak/term calls are no-ops, so a handler that both fails
 * and times out cannot free its in-flight slot twice or nak an already acked message.
 */
export class SettleOnceDelivery<T> implements Delivery<T> {
  private settled = false;

  constructor(
    readonly body: T,
    readonly redeliveries: number,
    private readonly actions: DeliveryActions,
    private readonly onSettled: () => void = () => undefined,
  ) {}

  ack(): Promise<void> {
    if (!this.settle()) return Promise.resolve();
    return this.actions.ack();
  }

  nak(delayMs = 0): void {
    if (this.settle()) this.actions.nak(Math.max(0, delayMs));
  }

  working(): void {
    if (!this.settled) this.actions.working();
  }

  term(): void {
    if (this.settle()) this.actions.term();
  }

  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.onSettled();
    return true;
  }
}
