import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource } from 'typeorm';
import type { GraphQLContext } from '../common/graphql-context';
import { DATABASE_URL } from '../database/database.tokens';
import { PgListener } from '../database/pg-listener';
import { CHANNELS } from '../database/pg-notifier';
import { JobsLoaders } from '../jobs/jobs.loaders';
import { RunEntity } from './run.entity';
import { RunEventHub, type RunBatch, type RunEvent, type RunEventStream, type RunFilter } from './run-event-hub';
import { RunsLoaders } from './runs.loaders';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every event of one batch shares these loaders, so N subscribers cost one query per field kind. */
export type RunEventLoaders = GraphQLContext['loaders'];
export type RunUpdate = RunEvent<RunEntity, RunEventLoaders>;

/**
 * `runUpdated` events for this api process. The planner leader (and RunsService) NOTIFY
 * `shardflow_runs` with the ids of runs they changed, after commit; this service LISTENs on
 * one connection for the whole process and fans each batch out to the subscribers.
 */
@Injectable()
export class RunEventsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RunEventsService.name);
  private readonly hub: RunEventHub<RunEntity, RunEventLoaders>;
  private listener: PgListener | null = null;

  constructor(
    @Inject(DATABASE_URL) private readonly databaseUrl: string,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    this.hub = new RunEventHub(
      (ids) => this.load(ids),
      (err) => this.logger.warn(`cannot load changed runs: ${err.message}`),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    this.listener = new PgListener(this.databaseUrl, [CHANNELS.runs], (_channel, payload) =>
      // Anyone with database access can NOTIFY: a payload that is not run ids must not reach SQL.
      this.hub.notify(payload.split(',').filter((id) => UUID.test(id))),
    );
    await this.listener.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.hub.closeAll();
    await this.listener?.stop();
    this.listener = null;
  }

  subscribe(filter: RunFilter): RunEventStream<RunEntity, RunEventLoaders> {
    return this.hub.subscribe(filter);
  }

  get subscribers(): number {
    return this.hub.subscribers;
  }

  private async load(ids: string[]): Promise<RunBatch<RunEntity, RunEventLoaders>> {
    const runs = await this.dataSource.manager.findBy(RunEntity, { id: In(ids) });
    return {
      runs,
      shared: { runs: new RunsLoaders(this.dataSource), jobs: new JobsLoaders(this.dataSource) },
    };
  }
}
