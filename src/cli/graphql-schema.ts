import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { ClusterResolver } from '../cluster/cluster.resolver';
import '../common/graphql-enums';
import { JobsResolver } from '../jobs/jobs.resolver';
import { RunEventsResolver } from '../runs/run-events.resolver';
import { RunsResolver, TaskResolver } from '../runs/runs.resolver';
import { WorkersResolver } from '../workers/workers.resolver';

/** Every resolver the api serves; the committed schema.graphql is printed from these. */
export const RESOLVERS = [
  JobsResolver,
  RunsResolver,
  TaskResolver,
  RunEventsResolver,
  WorkersResolver,
  ClusterResolver,
];

/** The GraphQL schema as SDL, built from the code without a database or a server. */
export async function printGraphQLSchema(): Promise<string> {
  const app = await NestFactory.create(GraphQLSchemaBuilderModule, { logger: false });
  await app.init();
  const factory = app.get(GraphQLSchemaFactory);
  const schema = await factory.create(RESOLVERS);
  await app.close();
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
