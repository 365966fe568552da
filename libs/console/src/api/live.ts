import { createClient, type Client } from 'graphql-ws';
import { ApiError } from './graphql';
import { tokenStore } from './token-store';

/** The server closes a subscription connection with 4401 when the token is missing or wrong. */
const UNAUTHENTICATED = 4401;
const FORBIDDEN = 4403;

/** `idle`: no view is live right now (the connection opens with the first subscription). */
export type LiveState = 'idle' | 'connecting' | 'live' | 'offline';

function isAuthClose(value: unknown): boolean {
  const code = (value as { code?: unknown } | null)?.code;
  return code === UNAUTHENTICATED || code === FORBIDDEN;
}

/**
 * The console's one graphql-ws connection, shared by every live view. It reconnects on its
 * own; views that hold state refetch it once reconnected (events sent while the connection
 * was down are not replayed).
 */
class Live {
  private client: Client | null = null;
  private current: Exclude<LiveState, 'idle'> = 'offline';
  private active = 0;
  /** The connection closed while views were listening: their state may have missed events. */
  private dropped = false;
  private readonly stateListeners = new Set<() => void>();
  private readonly reconnectListeners = new Set<() => void>();

  get state(): LiveState {
    return this.active === 0 ? 'idle' : this.current;
  }

  onState(listener: () => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Called after the connection came back: whatever a view shows may be stale. */
  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  /**
   * Starts a subscription; returns its stop function. A refused token asks the user for one
   * and subscribes again.
   */
  subscribe<T>(
    query: string,
    variables: Record<string, unknown>,
    onData: (data: T) => void,
    onError: (err: Error) => void = (err) => console.warn('subscription failed:', err.message),
  ): () => void {
    let stopped = false;
    let stop: () => void = () => undefined;
    const start = () => {
      stop = this.connection().subscribe<T>(
        { query, variables },
        {
          next: (result) => {
            if (result.errors?.length) {
              onError(new ApiError(result.errors.map((e) => e.message).join('\n'), null, []));
            } else if (result.data) onData(result.data as T);
          },
          error: (err) => {
            if (stopped) return;
            if (isAuthClose(err)) {
              void tokenStore.ask().then(() => !stopped && start());
              return;
            }
            onError(err instanceof Error ? err : new Error(describeClose(err)));
          },
          complete: () => undefined,
        },
      );
    };
    start();
    this.active++;
    this.emitState();
    return () => {
      if (stopped) return;
      stopped = true;
      stop();
      this.active--;
      this.emitState();
    };
  }

  private connection(): Client {
    this.client ??= createClient({
      url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
      connectionParams: () => {
        const authorization = tokenStore.authorization();
        return authorization ? { authorization } : {};
      },
      retryAttempts: Infinity,
      shouldRetry: (closed) => !isAuthClose(closed),
      // Keeps the connection across a page change (one view unsubscribes, the next subscribes).
      lazyCloseTimeout: 5000,
      on: {
        connecting: () => this.setState('connecting'),
        connected: () => {
          const missed = this.dropped;
          this.dropped = false;
          this.setState('live');
          if (missed) for (const l of this.reconnectListeners) l();
        },
        closed: () => {
          if (this.active > 0) this.dropped = true;
          this.setState('offline');
        },
      },
    });
    return this.client;
  }

  private setState(state: Exclude<LiveState, 'idle'>): void {
    if (state === this.current) return;
    this.current = state;
    this.emitState();
  }

  private emitState(): void {
    for (const l of this.stateListeners) l();
  }
}

function describeClose(value: unknown): string {
  const close = value as { code?: number; reason?: string } | null;
  if (close && typeof close.code === 'number') return `connection closed (${close.code} ${close.reason ?? ''})`.trim();
  return String(value);
}

export const live = new Live();
