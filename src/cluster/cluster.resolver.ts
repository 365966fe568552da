import { Inject } from '@nestjs/common';
import { Query, Resolver } from '@nestjs/graphql';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { CLOCK, type Clock } from '../clock/clock.port';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { PlannerInstanceEntity } from '../lease/lease.entity';
import { LEADER_LEASE, type LeaderLease } from '../lease/leader-lease.port';
import { Cluster } from './cluster.types';

@Resolver(() => Cluster)
export class ClusterResolver {
  constructor(
    @Inject(LEADER_LEASE) private readonly lease: LeaderLease,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Query(() => Cluster)
  async cluster(): Promise<Cluster> {
    const now = this.clock.now();
    const state = await this.lease.read();
    const live = state.holderId !== null && state.expiresAt !== null && state.expiresAt > now;
    // Planners seen within three leases: a standby renews its row at a third of the lease.
    const planners = await this.dataSource.manager
      .createQueryBuilder(PlannerInstanceEntity, 'p')
      .where('p.last_seen_at > :since', { since: new Date(now.getTime() - 3 * this.config.leaseMs) })
      .orderBy('p.started_at')
      .getMany();
    return {
      leaderId: live ? state.holderId : null,
      epoch: state.epoch,
      leaderSince: live ? state.acquiredAt : null,
      planners: planners.map((p) => ({
        id: p.id,
        host: p.host,
        pid: p.pid,
        leader: live && p.id === state.holderId,
        lastSeenAt: p.lastSeenAt,
      })),
    };
  }
}
