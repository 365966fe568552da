import { describe, expect, it } from 'vitest';
import { RunEventHub, type RunLike } from './run-event-hub';

interface FakeRun extends RunLike {
  status: string;
}

/** A loader over an in-memory table that records every call. */
function fakeLoader(table: Map<string, FakeRun>) {
  const calls: string[][] = [];
  let batch = 0;
  const load = async (ids: string[]) => {
    calls.push([...ids].sort());
    return { runs: ids.map((id) => table.get(id)).filter((r): r is FakeRun => !!r), shared: ++batch };
  };
  return { load, calls };
}

async function take<T>(stream: AsyncIterator<T>, n: number): Promise<T[]> {
  const out: T[] = [];
  while (out.length < n) out.push((await stream.next()).value as T);
  return out;
}

describe('RunEventHub', () => {
  const table = new Map<string, FakeRun>([
    ['r1', { id: 'r1', jobName: 'a', status: 'RUNNING' }],
    ['r2', { id: 'r2', jobName: 'a', status: 'QUEUED' }],
    ['r3', { id: 'r3', jobName: 'b', status: 'SUCCEEDED' }],
  ]);

  it('loads each batch once, however many subscribers wait, and sends each run where its filter matches', async () => {
    const { load, calls } = fakeLoader(table);
    const hub = new RunEventHub(load);
    const byId = hub.subscribe({ id: 'r1', jobName: null });
    const byJob = hub.subscribe({ id: null, jobName: 'a' });
    const all = hub.subscribe({ id: null, jobName: null });
    const other = hub.subscribe({ id: null, jobName: 'c' });
    hub.notify(['r1', 'r2']);
    hub.notify(['r3', 'r1']);
    await hub.settled();
    expect(calls).toEqual([['r1', 'r2', 'r3']]);
    const events = [...(await take(byId, 1)), ...(await take(byJob, 2)), ...(await take(all, 3))];
    expect(events.slice(0, 1).map((e) => e.run.id)).toEqual(['r1']);
    expect(events.slice(1, 3).map((e) => e.run.id)).toEqual(['r1', 'r2']);
    expect(
      events
        .slice(3)
        .map((e) => e.run.id)
        .sort(),
    ).toEqual(['r1', 'r2', 'r3']);
    // Every event of one batch carries the same shared value (there: the batch's loaders).
    expect(new Set(events.map((e) => e.shared))).toEqual(new Set([1]));
    await other.return();
    expect(hub.subscribers).toBe(3);
  });

  it('loads nothing while nobody listens, and only the named runs when every subscriber names one', async () => {
    const { load, calls } = fakeLoader(table);
    const hub = new RunEventHub(load);
    hub.notify(['r1']);
    await hub.settled();
    expect(calls).toEqual([]);
    const s = hub.subscribe({ id: 'r2', jobName: null });
    hub.notify(['r1', 'r3']);
    await hub.settled();
    expect(calls).toEqual([]);
    hub.notify(['r1', 'r2']);
    await hub.settled();
    expect(calls).toEqual([['r2']]);
    await s.return();
  });

  it('batches what arrives while a load is under way into the next load', async () => {
    let release: () => void = () => undefined;
    const calls: string[][] = [];
    const hub = new RunEventHub<FakeRun, null>(async (ids) => {
      calls.push(ids);
      if (calls.length === 1) await new Promise<void>((r) => (release = r));
      return { runs: ids.map((id) => table.get(id)!), shared: null };
    });
    const s = hub.subscribe({ id: null, jobName: null });
    hub.notify(['r1']);
    await new Promise((r) => setImmediate(r));
    hub.notify(['r2']);
    hub.notify(['r3']);
    release();
    await hub.settled();
    expect(calls).toEqual([['r1'], ['r2', 'r3']]);
    await s.return();
  });

  it('keeps only the latest waiting event per run for a slow reader', async () => {
    let status = 'QUEUED';
    const hub = new RunEventHub<FakeRun, null>(async (ids) => ({
      runs: ids.map((id) => ({ id, jobName: 'a', status })),
      shared: null,
    }));
    const s = hub.subscribe({ id: null, jobName: null });
    hub.notify(['r1']);
    await hub.settled();
    status = 'RUNNING';
    hub.notify(['r1']);
    await hub.settled();
    status = 'SUCCEEDED';
    hub.notify(['r1']);
    await hub.settled();
    const first = await s.next();
    expect(first.value?.run.status).toBe('SUCCEEDED');
    await s.return();
    expect((await s.next()).done).toBe(true);
  });

  it('ends waiting readers when closed, and survives a failed load', async () => {
    const errors: string[] = [];
    const hub = new RunEventHub<FakeRun, null>(
      async () => {
        throw new Error('database down');
      },
      (err) => errors.push(err.message),
    );
    const s = hub.subscribe({ id: null, jobName: null });
    const pending = s.next();
    hub.notify(['r1']);
    await hub.settled();
    expect(errors).toEqual(['database down']);
    hub.closeAll();
    expect((await pending).done).toBe(true);
    expect(hub.subscribers).toBe(0);
  });
});
