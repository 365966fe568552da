/**
 * The API token, when the server has one (SHARDFLOW_API_TOKEN). Asked for once and kept in
 * sessionStorage: it lives as long as the tab, and a reload keeps it.
 */
const KEY = 'shardflow.apiToken';

export interface TokenRequest {
  /** Why the token is asked for again (a wrong one was given), or null the first time. */
  reason: string | null;
}

class TokenStore {
  private readonly listeners = new Set<() => void>();
  /** Used only when sessionStorage is unavailable (some private modes). */
  private memory: string | null = null;
  private pending: { request: TokenRequest; promise: Promise<string>; resolve: (token: string) => void } | null = null;

  get(): string | null {
    try {
      return sessionStorage.getItem(KEY) ?? this.memory;
    } catch {
      return this.memory;
    }
  }

  /** The open request for a token, which the token dialog answers (the same object until answered). */
  get request(): TokenRequest | null {
    return this.pending?.request ?? null;
  }

  /** Called by the API clients on UNAUTHENTICATED: resolves once the user has given a token. */
  ask(): Promise<string> {
    if (!this.pending) {
      let resolve: (token: string) => void = () => undefined;
      const promise = new Promise<string>((r) => (resolve = r));
      const request = { reason: this.get() ? 'That token was refused.' : null };
      this.pending = { request, promise, resolve };
      this.emit();
    }
    return this.pending.promise;
  }

  answer(token: string): void {
    this.memory = token;
    try {
      sessionStorage.setItem(KEY, token);
    } catch {
      // Storage may be unavailable: the token then lasts until the page reloads.
    }
    const pending = this.pending;
    this.pending = null;
    this.emit();
    pending?.resolve(token);
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The Authorization header's value, or undefined while no token was ever needed. */
  authorization(): string | undefined {
    const token = this.get();
    return token ? `Bearer ${token}` : undefined;
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}

export const tokenStore = new TokenStore();
