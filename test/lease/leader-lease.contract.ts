import { afterEach, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../src/clock/clock.port';
import type { LeaderLease, LeaseHold } from '../../src/lease/leader-lease.port';

export interface LeaseUnderTest {
  /** A lease in its initial state: nobody holds it and it reads epoch 0. */
  lease: LeaderLease;
  /** The clock `lease` reads; tests move it instead of waiting. */
  clock: ManualClock;
  cleanup(): Promise<void>;
}

const TTL = 10_000;

/** Acquires where the caller expects to win, so a refusal fails the test at its cause. */
async function mustAcquire(lease: LeaderLease, holderId: string, ttlMs = TTL): Promise<LeaseHold> {
  const hold = await lease.acquire(holderId, ttlMs);
  if (!hold) throw new Error(`${holderId} was refused the lease`);
  return hold;
}

/** The semantics every LeaderLease implementation must share (see src/lease/leader-lease.port.ts). */
export function leaderLeaseContract(name: string, make: () => Promise<LeaseUnderTest>): void {
  describe(`LeaderLease contract: ${name}`, () => {
    const opened: LeaseUnderTest[] = [];

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((u) => u.cleanup()));
    });

    async function open(): Promise<LeaseUnderTest> {
      const u = await make();
      opened.push(u);
      return u;
    }

    it('starts unheld at epoch 0', async () => {
      const { lease } = await open();
      expect(await lease.read()).toEqual({ holderId: null, epoch: 0, acquiredAt: null, expiresAt: null });
    });

    it('first acquire takes epoch 1, from now until now + ttl, and read() reports it', async () => {
      const { lease, clock } = await open();
      const now = clock.now();
      const hold = await lease.acquire('a', TTL);
      const expected = {
        holderId: 'a',
        epoch: 1,
        acquiredAt: now,
        expiresAt: new Date(now.getTime() + TTL),
      };
      expect(hold).toEqual(expected);
      expect(await lease.read()).toEqual(expected);
    });

    it('honours the ttl it is given', async () => {
      const { lease, clock } = await open();
      const hold = await mustAcquire(lease, 'a', 1_234);
      expect(hold.expiresAt.getTime() - clock.now().getTime()).toBe(1_234);
    });

    describe.each([
      { label: 'at once', afterMs: 0 },
      { label: 'half way through', afterMs: TTL / 2 },
      { label: 'one millisecond before expiry', afterMs: TTL - 1 },
    ])('a rival asking $label', ({ afterMs }) => {
      it('is refused and changes nothing', async () => {
        const { lease, clock } = await open();
        const hold = await mustAcquire(lease, 'a');
        clock.advance(afterMs);
        expect(await lease.acquire('b', TTL)).toBeNull();
        expect(await lease.read()).toEqual(hold);
      });
    });

    it('renew extends the lease from now, keeps epoch and acquiredAt, and keeps rivals out past the old expiry', async () => {
      const { lease, clock } = await open();
      const hold = await mustAcquire(lease, 'a');
      clock.advance(TTL - 1_000);
      const renewed = await lease.renew(hold, TTL);
      expect(renewed).toEqual({
        holderId: 'a',
        epoch: hold.epoch,
        acquiredAt: hold.acquiredAt,
        expiresAt: new Date(clock.now().getTime() + TTL),
      });
      expect(await lease.read()).toEqual(renewed);

      clock.set(hold.expiresAt);
      expect(await lease.acquire('b', TTL)).toBeNull();
      // An older copy of the same hold still names the lease: holder and epoch are what count.
      expect((await lease.renew(hold, TTL))?.epoch).toBe(hold.epoch);
    });

    describe.each([
      { label: 'exactly at expiresAt', pastMs: 0 },
      { label: 'just after expiresAt', pastMs: 1 },
      { label: 'long after expiresAt', pastMs: 100 * TTL },
    ])('once the clock is $label', ({ pastMs }) => {
      it('the old holder cannot renew and another holder takes epoch + 1', async () => {
        const { lease, clock } = await open();
        const hold = await mustAcquire(lease, 'a');
        clock.set(new Date(hold.expiresAt.getTime() + pastMs));

        expect(await lease.renew(hold, TTL)).toBeNull();
        const taken = await mustAcquire(lease, 'b');
        expect(taken).toEqual({
          holderId: 'b',
          epoch: hold.epoch + 1,
          acquiredAt: clock.now(),
          expiresAt: new Date(clock.now().getTime() + TTL),
        });
        expect(await lease.renew(hold, TTL)).toBeNull();
      });
    });

    it('release lets another holder in at once, with epoch + 1', async () => {
      const { lease, clock } = await open();
      const hold = await mustAcquire(lease, 'a');
      clock.advance(1_000);
      await lease.release(hold);

      const released = await lease.read();
      expect(released).toMatchObject({ holderId: null, epoch: hold.epoch });
      expect(released.expiresAt!.getTime()).toBeLessThanOrEqual(clock.now().getTime());
      expect(await lease.renew(hold, TTL)).toBeNull();

      const taken = await mustAcquire(lease, 'b');
      expect(taken).toMatchObject({ holderId: 'b', epoch: hold.epoch + 1, acquiredAt: clock.now() });
    });

    it('a deposed holder releasing its old hold does not disturb the new leader', async () => {
      const { lease, clock } = await open();
      const old = await mustAcquire(lease, 'a');
      clock.set(old.expiresAt);
      const current = await mustAcquire(lease, 'b');

      await lease.release(old);
      expect(await lease.read()).toEqual(current);
      expect(await lease.acquire('c', TTL)).toBeNull();
    });

    it('a stale hold of the same holder cannot release its newer epoch', async () => {
      const { lease } = await open();
      const first = await mustAcquire(lease, 'a');
      const second = await mustAcquire(lease, 'a');
      await lease.release(first);
      expect(await lease.read()).toEqual(second);
    });

    it('a holder re-acquiring its own live lease starts a new epoch, and its old hold is dead', async () => {
      const { lease, clock } = await open();
      const first = await mustAcquire(lease, 'a');
      clock.advance(1_000);
      const second = await mustAcquire(lease, 'a');
      expect(second).toEqual({
        holderId: 'a',
        epoch: first.epoch + 1,
        acquiredAt: clock.now(),
        expiresAt: new Date(clock.now().getTime() + TTL),
      });
      expect(await lease.renew(first, TTL)).toBeNull();
      expect((await lease.renew(second, TTL))?.epoch).toBe(second.epoch);
    });

    type Change = 'lapse' | 'release' | 'restart';
    it.each<{ changes: Change[] }>([
      { changes: ['lapse', 'release', 'restart', 'lapse', 'restart', 'release'] },
      { changes: ['restart', 'restart', 'restart'] },
      { changes: ['release', 'release', 'lapse', 'lapse'] },
    ])('epochs grow by exactly one per change of leader: $changes', async ({ changes }) => {
      const { lease, clock } = await open();
      let hold = await mustAcquire(lease, 'p0');
      expect(hold.epoch).toBe(1);

      for (const [i, change] of changes.entries()) {
        const before = hold;
        // Renewals and refused rivals between changes must not move the epoch.
        clock.advance(TTL / 4);
        hold = (await lease.renew(hold, TTL)) ?? hold;
        expect(await lease.acquire(`rival-${i}`, TTL)).toBeNull();

        let next: string;
        if (change === 'lapse') {
          clock.set(hold.expiresAt);
          next = `p${i + 1}`;
        } else if (change === 'release') {
          await lease.release(hold);
          next = `p${i + 1}`;
        } else {
          next = hold.holderId;
        }
        hold = await mustAcquire(lease, next);
        expect(hold.epoch).toBe(before.epoch + 1);
        expect((await lease.read()).epoch).toBe(hold.epoch);
      }
      expect(hold.epoch).toBe(changes.length + 1);
    });
  });
}
