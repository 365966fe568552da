import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * Channels between the api and the planner. PostgreSQL NOTIFY is used rather than the bus so
 * that the api needs only the database, and a notification sent inside a transaction is
 * delivered only if that transaction commits.
 */
export const CHANNELS = {
  /** The api wrote a request (new run, cancel): the planner leader should look now. */
  wake: 'shardflow_wake',
  /** A run changed (payload: comma list of run ids), for subscriptions. */
  runs: 'shardflow_runs',
} as const;

@Injectable()
export class PgNotifier {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async notify(channel: string, payload = '', manager?: EntityManager): Promise<void> {
    await (manager ?? this.dataSource.manager).query('SELECT pg_notify($1, $2)', [channel, payload]);
  }
}
