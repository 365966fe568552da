import { ManualClock } from '../../src/clock/clock.port';
import { InMemoryLeaderLease } from '../../src/lease/in-memory-leader-lease';
import { leaderLeaseContract } from './leader-lease.contract';

leaderLeaseContract('in-memory', async () => {
  const clock = new ManualClock();
  return { lease: new InMemoryLeaderLease(clock), clock, cleanup: async () => {} };
});
