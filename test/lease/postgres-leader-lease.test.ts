import { DataSource, type EntityManager } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/clock.port';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { type LeaseHold, LeaseLostError } from '../../src/lease/leader-lease.port';
import { PostgresLeaderLease } from '../../src/lease/postgres-leader-lease';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { eventually } from '../support/wait';
import { leaderLeaseContract } from './leader-lease.contract';

const TTL = 10_000;

let db: TestDatabase;
let dataSource: DataSource;

beforeAll(async () => {
  db = await createTestDatabase();
  dataSource = new DataSource(dataSourceOptions(db.url));
  await dataSource.initialize();
});

afterAll(async () => {
  await dataSource?.destroy();
  await db?.drop();
});

/** Back to the row the migration seeds, so every test starts from an unheld lease at epoch 0. */
async function resetLease(): Promise<void> {
  await db.query(
    `UPDATE planner_lease SET holder_id = NULL, epoch = 0, acquired_at = NULL, expires_at = NULL WHERE name = 'leader'`,
  );
  await db.query(`DELETE FROM planners`);
}

leaderLeaseContract('postgres', async () => {
  await resetLease();
  const clock = new ManualClock();
  return { lease: new PostgresLeaderLease(dataSource, clock), clock, cleanup: async () => {} };
});

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}

function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

async function mustAcquire(lease: PostgresLeaderLease, holderId: string): Promise<LeaseHold> {
  const hold = await lease.acquire(holderId, TTL);
  if (!hold) throw new Error(`${holderId} was refused the lease`);
  return hold;
}

/** The write a leader makes under its fence; `planners` stands in for any state it owns. */
async function writePlanner(tx: EntityManager, id: string): Promise<void> {
  await tx.query(
    `INSERT INTO planners (id, host, pid, started_at, last_seen_at) VALUES ($1, 'test', 1, now(), now())`,
    [id],
  );
}

/** What other sessions see: only committed rows. */
async function committedPlanners(): Promise<string[]> {
  return (await db.query<{ id: string }>(`SELECT id FROM planners ORDER BY id`)).map((r) => r.id);
}

/** Resolves once some other session is blocked on a row lock inside a statement matching `like`. */
async function blockedOnLock(like: string): Promise<void> {
  await eventually(
    async () => {
      const [row] = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid()
            AND wait_event_type = 'Lock' AND query LIKE $1`,
        [like],
      );
      return row.n > 0 ? true : undefined;
    },
    { timeoutMs: 10_000, what: `a session blocked on a lock in ${like}` },
  );
}

describe('PostgresLeaderLease fencing', () => {
  let clock: ManualClock;
  let leaseA: PostgresLeaderLease;
  let leaseB: PostgresLeaderLease;

  beforeEach(async () => {
    await resetLease();
    clock = new ManualClock();
    // Separate instances stand for separate planners; they share the database and, here, a clock.
    leaseA = new PostgresLeaderLease(dataSource, clock);
    leaseB = new PostgresLeaderLease(dataSource, clock);
  });

  it('runs work in one committed transaction while the lease is ours', async () => {
    const a = await mustAcquire(leaseA, 'a');
    clock.advance(TTL - 1);
    const result = await leaseA.fenced(a, async (tx) => {
      await writePlanner(tx, 'by-a');
      return 'done';
    });
    expect(result).toBe('done');
    expect(await committedPlanners()).toEqual(['by-a']);
  });

  it('keeps working through renewals with the renewed hold', async () => {
    const a = await mustAcquire(leaseA, 'a');
    clock.advance(TTL - 1);
    const renewed = await leaseA.renew(a, TTL);
    clock.advance(TTL - 1);
    await leaseA.fenced(renewed!, (tx) => writePlanner(tx, 'after-renew'));
    expect(await committedPlanners()).toEqual(['after-renew']);
  });

  it('rolls back the write when work itself fails', async () => {
    const a = await mustAcquire(leaseA, 'a');
    const boom = new Error('work failed');
    await expect(
      leaseA.fenced(a, async (tx) => {
        await writePlanner(tx, 'half-done');
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await committedPlanners()).toEqual([]);
  });

  describe.each<{ label: string; depose: (a: LeaseHold) => Promise<void> }>([
    {
      label: 'another holder took over after it lapsed',
      depose: async (a) => {
        clock.set(a.expiresAt);
        await mustAcquire(leaseB, 'b');
      },
    },
    {
      label: 'it lapsed by its own clock and nobody took it yet',
      depose: async (a) => {
        clock.set(new Date(a.expiresAt.getTime() + 1));
      },
    },
    {
      label: 'it lapsed exactly now',
      depose: async (a) => {
        clock.set(a.expiresAt);
      },
    },
    {
      label: 'it released the lease',
      depose: async (a) => {
        await leaseA.release(a);
      },
    },
    {
      label: 'the same planner restarted and re-acquired (new epoch)',
      depose: async () => {
        await mustAcquire(leaseA, 'a');
      },
    },
  ])('a deposed holder, when $label,', ({ depose }) => {
    it('throws LeaseLostError and writes nothing', async () => {
      const a = await mustAcquire(leaseA, 'a');
      await depose(a);
      let ran = false;
      const attempt = leaseA.fenced(a, async (tx) => {
        ran = true;
        await writePlanner(tx, 'by-deposed-a');
      });
      await expect(attempt).rejects.toBeInstanceOf(LeaseLostError);
      await expect(attempt).rejects.toThrow(`epoch ${a.epoch}`);
      expect(ran).toBe(false);
      expect(await committedPlanners()).toEqual([]);
    });
  });

  it('a takeover waits for the open fenced transaction: its write lands first, and the new leader sees it', async () => {
    const a = await mustAcquire(leaseA, 'a');
    const inside = deferred();
    const finish = deferred();
    const fencedA = leaseA.fenced(a, async (tx) => {
      await writePlanner(tx, 'by-a');
      inside.resolve();
      await finish.promise;
      return 'committed';
    });
    await inside.promise;

    clock.set(a.expiresAt);
    let bSettled = false;
    const acquireB = leaseB.acquire('b', TTL).finally(() => {
      bSettled = true;
    });
    await blockedOnLock('%UPDATE planner_lease%');
    expect(bSettled).toBe(false);
    expect(await committedPlanners()).toEqual([]);
    expect(await leaseA.read()).toMatchObject({ holderId: 'a', epoch: a.epoch });

    finish.resolve();
    expect(await fencedA).toBe('committed');
    const b = await acquireB;
    expect(b).toMatchObject({ holderId: 'b', epoch: a.epoch + 1 });

    const seenByB = await leaseB.fenced(b!, async (tx) => {
      const rows: { id: string }[] = await tx.query(`SELECT id FROM planners`);
      return rows.map((r) => r.id);
    });
    expect(seenByB).toEqual(['by-a']);
    await expect(leaseA.fenced(a, (tx) => writePlanner(tx, 'late-a'))).rejects.toBeInstanceOf(LeaseLostError);
    expect(await committedPlanners()).toEqual(['by-a']);
  });

  it('a fenced call that meets a takeover in flight waits for it, then refuses (even when its own clock says live)', async () => {
    const a = await mustAcquire(leaseA, 'a');
    // A rival whose clock runs ahead sees A's lease lapsed while A's clock does not; the
    // takeover is written by hand so that its transaction can be held open, which acquire() cannot.
    const rival = dataSource.createQueryRunner();
    await rival.connect();
    let outcome: Promise<unknown>;
    let ran = false;
    try {
      await rival.startTransaction();
      await rival.query(
        `UPDATE planner_lease SET holder_id = 'b', epoch = epoch + 1, acquired_at = $1, expires_at = $2
          WHERE name = 'leader' AND expires_at <= $1`,
        [a.expiresAt, new Date(a.expiresAt.getTime() + TTL)],
      );
      const attempt = leaseA.fenced(a, async (tx) => {
        ran = true;
        await writePlanner(tx, 'by-deposed-a');
      });
      // Observed before it settles, so the rejection is not reported as unhandled meanwhile.
      outcome = attempt.then(
        () => 'wrote',
        (err: unknown) => err,
      );
      await blockedOnLock('%FOR SHARE%');
      await rival.commitTransaction();
    } finally {
      if (rival.isTransactionActive) await rival.rollbackTransaction();
      await rival.release();
    }

    expect(await outcome).toBeInstanceOf(LeaseLostError);
    expect(ran).toBe(false);
    expect(await committedPlanners()).toEqual([]);
    expect(await leaseA.read()).toMatchObject({ holderId: 'b', epoch: a.epoch + 1 });
  });

  it('many planners racing for a lapsed lease: exactly one wins each round, with epoch + 1', async () => {
    let current = await mustAcquire(leaseA, 'p-initial');
    for (let round = 0; round < 5; round++) {
      clock.set(current.expiresAt);
      // The lapsed holder races too: its own-holder path must not let a second planner win.
      const racers = [current.holderId, ...Array.from({ length: 9 }, (_, i) => `r${round}-p${i}`)];
      const results = await Promise.all(
        racers.map((holderId) => new PostgresLeaderLease(dataSource, clock).acquire(holderId, TTL)),
      );
      const winners = results.filter((r): r is LeaseHold => r !== null);
      expect(winners).toHaveLength(1);
      expect(winners[0].epoch).toBe(current.epoch + 1);
      expect(await leaseA.read()).toEqual(winners[0]);
      current = winners[0];
    }
  });

  it('epochs beyond 32 bits survive the bigint column both ways', async () => {
    const big = 2 ** 40;
    await db.query(`UPDATE planner_lease SET epoch = $1 WHERE name = 'leader'`, [big]);
    const a = await mustAcquire(leaseA, 'a');
    expect(a.epoch).toBe(big + 1);
    expect((await leaseA.read()).epoch).toBe(big + 1);
    expect((await leaseA.renew(a, TTL))?.epoch).toBe(big + 1);
    await leaseA.fenced(a, (tx) => writePlanner(tx, 'big-epoch'));
    expect(await committedPlanners()).toEqual(['big-epoch']);
  });
});
