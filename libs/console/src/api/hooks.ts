import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { gql } from './graphql';
import { live, type LiveState } from './live';

export interface QueryState<T> {
  data: T | null;
  error: Error | null;
  loading: boolean;
  /** Asks again; the answer replaces the data only if no later request answered first. */
  refetch: () => Promise<void>;
  /** For live updates merged into what the query returned. */
  setData: (update: (current: T | null) => T | null) => void;
}

/** A query run when `key` changes (the variables, serialised), and on demand. */
export function useQuery<T>(query: string, variables: Record<string, unknown> = {}, enabled = true): QueryState<T> {
  const [data, setDataState] = useState<T | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(enabled);
  const key = JSON.stringify(variables);
  const sequence = useRef({ n: 0 });

  const refetch = useCallback(async () => {
    const mine = ++sequence.current.n;
    try {
      const result = await gql<T>(query, JSON.parse(key) as Record<string, unknown>);
      if (mine !== sequence.current.n) return;
      setDataState(result);
      setError(null);
    } catch (err) {
      if (mine !== sequence.current.n) return;
      setError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      if (mine === sequence.current.n) setLoading(false);
    }
  }, [query, key]);

  useEffect(() => {
    if (!enabled) return;
    setLoading(true);
    setDataState(null);
    void refetch();
    // A later answer from an earlier key must not land once the key changed.
    const requests = sequence.current;
    return () => void requests.n++;
  }, [refetch, enabled]);

  const setData = useCallback((update: (current: T | null) => T | null) => setDataState(update), []);
  return { data, error, loading, refetch, setData };
}

/** A `runUpdated` (or any) subscription for as long as the component shows. */
export function useSubscription<T>(
  query: string,
  variables: Record<string, unknown>,
  onData: (data: T) => void,
  enabled = true,
): void {
  const handler = useRef(onData);
  useEffect(() => {
    handler.current = onData;
  });
  const key = JSON.stringify(variables);
  useEffect(() => {
    if (!enabled) return;
    return live.subscribe<T>(query, JSON.parse(key) as Record<string, unknown>, (data) => handler.current(data));
  }, [query, key, enabled]);
}

/** Runs `callback` whenever the live connection came back after a drop. */
export function useOnReconnect(callback: () => void): void {
  const handler = useRef(callback);
  useEffect(() => {
    handler.current = callback;
  });
  useEffect(() => live.onReconnect(() => handler.current()), []);
}

export function useLiveState(): LiveState {
  return useSyncExternalStore(
    (listener) => live.onState(listener),
    () => live.state,
  );
}

/**
 * Coalesces bursts of events into calls of `fn`: at most one call per `intervalMs`, and
 * always one after the last event (so the final state is never missed). Event-driven, not a
 * poll: nothing is called while no event arrives.
 */
export function useCoalesced(fn: () => Promise<void> | void, intervalMs: number): () => void {
  const handler = useRef(fn);
  useEffect(() => {
    handler.current = fn;
  });
  const state = useRef<{ timer: ReturnType<typeof setTimeout> | null; last: number; wanted: boolean; busy: boolean }>({
    timer: null,
    last: 0,
    wanted: false,
    busy: false,
  });
  useEffect(() => {
    const s = state.current;
    return () => {
      if (s.timer) clearTimeout(s.timer);
      s.timer = null;
    };
  }, []);
  return useCallback(() => {
    const s = state.current;
    s.wanted = true;
    const run = async () => {
      s.timer = null;
      if (s.busy) return schedule(intervalMs);
      s.wanted = false;
      s.busy = true;
      s.last = Date.now();
      try {
        await handler.current();
      } finally {
        s.busy = false;
        if (s.wanted) schedule(intervalMs);
      }
    };
    const schedule = (delay: number) => {
      if (!s.timer) s.timer = setTimeout(() => void run(), delay);
    };
    schedule(Math.max(0, s.last + intervalMs - Date.now()));
  }, [intervalMs]);
}

/** The current time, refreshed every `everyMs`: for "3 s ago" and "in 5 min". */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/** Calls `callback` every `everyMs` while the tab is visible (and at once when it shows again). */
export function useWhileVisible(callback: () => void, everyMs: number): void {
  const handler = useRef(callback);
  useEffect(() => {
    handler.current = callback;
  });
  useEffect(() => {
    const timer = setInterval(() => document.visibilityState === 'visible' && handler.current(), everyMs);
    const onShow = () => document.visibilityState === 'visible' && handler.current();
    document.addEventListener('visibilitychange', onShow);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onShow);
    };
  }, [everyMs]);
}
