import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { Request } from 'express';
import type { DataSource } from 'typeorm';
import { ClusterModule } from '../cluster/cluster.module';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { GraphQLContext } from '../common/graphql-context';
import { unauthenticated } from '../common/graphql-errors';
import '../common/graphql-enums';
import { JobsLoaders } from '../jobs/jobs.loaders';
import { JobsModule } from '../jobs/jobs.module';
import { RunsLoaders } from '../runs/runs.loaders';
import { RunsModule } from '../runs/runs.module';
import { WorkersModule } from '../workers/workers.module';
import { ConsoleController } from './console.controller';
import { HealthController } from './health.controller';
import { checkConnection, isWsContext, type WsContext } from './subscriptions';
import { tokenMatches } from './token';

/** The api role: GraphQL, health endpoints and the console. */
@Module({
  imports: [
    JobsModule,
    RunsModule,
    WorkersModule,
    ClusterModule,
    GraphQLModule.forRootAsync<ApolloDriverConfig>({
      driver: ApolloDriver,
      inject: [APP_CONFIG, getDataSourceToken()],
      useFactory: (config: AppConfig, dataSource: DataSource): ApolloDriverConfig => ({
        autoSchemaFile: true,
        sortSchema: true,
        path: '/graphql',
        playground: false,
        introspection: true,
        subscriptions: { 'graphql-ws': { path: '/graphql', onConnect: checkConnection(config.apiToken) } },
        context: (arg: { req: Request } | WsContext): GraphQLContext => {
          const loaders = { runs: new RunsLoaders(dataSource), jobs: new JobsLoaders(dataSource) };
          // A subscription's token was checked once, when its connection opened (onConnect).
          if (isWsContext(arg)) return { loaders };
          const { req } = arg;
          if (config.apiToken && !tokenMatches(req.headers.authorization, config.apiToken)) throw unauthenticated();
          return { req, loaders };
        },
      }),
    }),
  ],
  controllers: [HealthController, ConsoleController],
})
export class ApiModule {}
