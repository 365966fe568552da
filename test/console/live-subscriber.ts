import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface CloseInfo {
  code: number;
  reason: string;
}

/**
 * A graphql-ws subscriber as any user's script would run one, collecting what arrives.
 * `waitFor` resolves on the first collected value that matches; no sleeping.
 */
export class LiveSubscriber<T> {
  readonly events: T[] = [];
  readonly errors: unknown[] = [];
  readonly closed: Promise<CloseInfo>;
  private readonly client: Client;
  private readonly waiters: Array<{ test: (e: T) => boolean; resolve: (e: T) => void }> = [];
  private stop: () => void = () => undefined;

  constructor(httpUrl: string, connectionParams: Record<string, unknown> = {}) {
    let closed: (info: CloseInfo) => void = () => undefined;
    this.closed = new Promise((resolve) => (closed = resolve));
    this.client = createClient({
      url: `${httpUrl.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams,
      retryAttempts: 0,
      lazy: true,
      on: {
        closed: (event) => {
          const e = event as { code?: number; reason?: string };
          closed({ code: e.code ?? 0, reason: String(e.reason ?? '') });
        },
      },
    });
  }

  /** Starts the subscription and resolves once the server acknowledged the connection. */
  async start(
    query: string,
    variables: Record<string, unknown> = {},
    pick: (data: Record<string, unknown>) => T,
  ): Promise<this> {
    const connected = new Promise<void>((resolve, reject) => {
      const off = this.client.on('connected', () => {
        off();
        resolve();
      });
      void this.closed.then((c) => reject(new Error(`closed before connecting: ${c.code} ${c.reason}`)));
    });
    this.stop = this.client.subscribe<Record<string, unknown>>(
      { query, variables },
      {
        next: (result) => {
          if (result.errors?.length) this.errors.push(result.errors);
          if (!result.data) return;
          const event = pick(result.data);
          this.events.push(event);
          for (const w of [...this.waiters]) {
            if (w.test(event)) {
              this.waiters.splice(this.waiters.indexOf(w), 1);
              w.resolve(event);
            }
          }
        },
        error: (err) => this.errors.push(err),
        complete: () => undefined,
      },
    );
    await connected;
    return this;
  }

  waitFor(test: (event: T) => boolean, what = 'an event', timeoutMs = 30_000): Promise<T> {
    const found = this.events.find(test);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.events).slice(0, 2000)}`)),
        timeoutMs,
      );
      this.waiters.push({
        test,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      });
    });
  }

  async close(): Promise<void> {
    this.stop();
    await this.client.dispose();
  }
}
