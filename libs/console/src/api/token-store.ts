/**
 * The API token, when the server has one (SHARDFLOW_API_TOKEN). Asked for once and kept in
 * sessionStorage: it lives as long as the tab, and a reload keeps it.
 */
const KEY = 'shardflow.apiToken';

type Listener = () => void;

export interface TokenRequest {
  /** Why the token is asked for again (a wrong one was given), or null the first time. */
  reason: string | null;
}

class TokenStore {
  private readonly listeners = new Set<Listener>();
  /** Used only when sessionStorage is unavailable (some private modes). */
  private memory: string | null = null;
  private pending: { promise: Promise<string>; resolve: (token: string) => void; reason: string | null } | null = null;

  get(): string | null {
    try {
      return sessionStorage.getItem(KEY) ?? this.memory;
    } catch {
      return this.memory;
    }
  }

  /** The open request for a token, which the token dialog answers. */
  get request(): TokenRequest | null {
    return this.pending ? { reason: this.pending.reason } : null;
  }

  /** Called by the API clients on UNAUTHENTICATED: resolves once the user has given a token. */
  ask(): Promise<string> {
    if (!this.pending) {
      const had = this.get();
      let resolve: (token: string) => void = () => undefined;
      const promise = new Promise<string>((r) => (resolve = r));
      this.pending = { promise, resolve, reason: had ? 'That token was refused.' : null };
      this.emit();
    }
    return this.pending.promise;
  }

  answer(token: string): void {
    try {
      sessionStorage.setItem(KEY, token);
    } catch {
      // Storage may be unavailable (private mode): the token then lasts until the page reloads.
      this.memory = token;
    }
    const pending = this.pending;
    this.pending = null;
    this.emit();
    pending?.resolve(token);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Bearer header value, or undefined when no token was ever needed. */
  authorization(): string | undefined {
    const token = this.get();
    return token ? `Bearer ${token}` : undefined;
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}

export const tokenStore = new TokenStore();
