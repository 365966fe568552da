import { Module } from '@nestjs/common';
import { LEADER_LEASE } from './leader-lease.port';
import { PostgresLeaderLease } from './postgres-leader-lease';

@Module({
  providers: [PostgresLeaderLease, { provide: LEADER_LEASE, useExisting: PostgresLeaderLease }],
  exports: [PostgresLeaderLease, LEADER_LEASE],
})
export class LeaseModule {}
