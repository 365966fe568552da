import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, isEnumType, isInputObjectType, isObjectType, type GraphQLNamedType } from 'graphql';
import { describe, expect, it } from 'vitest';

/**
 * The contract's GraphQL core (CONTRACT.md), minus what the schedules and console issues add.
 * Every name here is relied on by users and outside suites: our schema must serve each one
 * with exactly this type; it may add more beside them. That schema.graphql is what the code
 * serves is checked by `npm run check` (src/cli/check-drift.ts).
 */
const CONTRACT = `
scalar DateTime
scalar JSON
enum RunStatus  { QUEUED RUNNING SUCCEEDED FAILED CANCELLED }
enum TaskStatus { PENDING QUEUED RUNNING SUCCEEDED FAILED CANCELLED SKIPPED }
enum TriggerRule { ALL_SUCCESS ALL_DONE ONE_SUCCESS ONE_FAILED NONE_FAILED }
enum ConcurrencyPolicy { ALLOW FORBID REPLACE }
enum MisfirePolicy { FIRE_ONCE SKIP CATCH_UP }
enum RunTrigger { SCHEDULE MANUAL BACKFILL RETRY }
input StepInput { key: String! handler: String! dependsOn: [String!] shards: Int shardParams: [String!] params: JSON
  queue: String retries: Int retryBackoffMs: Int timeoutMs: Int triggerRule: TriggerRule }
input JobInput { name: String! description: String schedule: String timezone: String steps: [StepInput!]! params: JSON
  concurrencyPolicy: ConcurrencyPolicy misfirePolicy: MisfirePolicy maxActiveRuns: Int paused: Boolean }
type Step { key: String! handler: String! dependsOn: [String!]! shards: Int! shardParams: [String!] params: JSON
  queue: String! retries: Int! retryBackoffMs: Int! timeoutMs: Int triggerRule: TriggerRule! }
type Job { name: String! description: String schedule: String timezone: String! paused: Boolean! version: Int!
  steps: [Step!]! concurrencyPolicy: ConcurrencyPolicy! misfirePolicy: MisfirePolicy! maxActiveRuns: Int
  runs(limit: Int): [Run!]! stats: JobStats! }
type Attempt { number: Int! workerId: String status: TaskStatus! startedAt: DateTime finishedAt: DateTime error: String }
type Task { id: ID! stepKey: String! shardIndex: Int! shardParam: String status: TaskStatus! attempt: Int!
  workerId: String startedAt: DateTime finishedAt: DateTime output: JSON error: String attempts: [Attempt!]! }
type RunStep { key: String! status: TaskStatus! shards: Int! succeeded: Int! failed: Int! }
type Run { id: ID! jobName: String! jobVersion: Int! status: RunStatus! trigger: RunTrigger! scheduledAt: DateTime
  createdAt: DateTime! startedAt: DateTime finishedAt: DateTime params: JSON retryOf: ID steps: [RunStep!]!
  tasks(stepKey: String, status: TaskStatus, limit: Int, offset: Int): [Task!]! }
type JobStats { runs: Int! succeeded: Int! failed: Int! successRate: Float avgDurationMs: Float p95DurationMs: Float }
type Worker { id: ID! host: String! pid: Int! queues: [String!]! handlers: [String!]! running: Int! lastSeenAt: DateTime! alive: Boolean! }
type Planner { id: ID! host: String! pid: Int! leader: Boolean! lastSeenAt: DateTime! }
type Cluster { leaderId: String epoch: Int! leaderSince: DateTime planners: [Planner!]! }
type Query { jobs: [Job!]! job(name: String!): Job run(id: ID!): Run runs(jobName: String, status: RunStatus, limit: Int): [Run!]!
  workers: [Worker!]! cluster: Cluster! }
type Mutation { createJob(input: JobInput!): Job! updateJob(name: String!, input: JobInput!): Job! deleteJob(name: String!): Boolean!
  triggerJob(name: String!, params: JSON): Run! cancelRun(id: ID!): Run! retryRun(id: ID!): Run! }
type Subscription { runUpdated(id: ID, jobName: String): Run! }
`;

type Shape = Record<string, string>;

function shapeOf(type: GraphQLNamedType): Shape {
  if (isEnumType(type)) return Object.fromEntries(type.getValues().map((v) => [v.name, 'value']));
  if (isInputObjectType(type))
    return Object.fromEntries(Object.values(type.getFields()).map((f) => [f.name, String(f.type)]));
  if (isObjectType(type)) {
    return Object.fromEntries(
      Object.values(type.getFields()).map((f) => {
        const args = f.args.map((a) => `${a.name}: ${String(a.type)}`).sort();
        return [f.name, `(${args.join(', ')}) ${String(f.type)}`];
      }),
    );
  }
  return {};
}

describe('GraphQL schema', () => {
  const contract = buildSchema(CONTRACT);
  const committed = buildSchema(readFileSync(join(__dirname, '..', '..', 'schema.graphql'), 'utf8'));

  it.each(Object.keys(contract.getTypeMap()).filter((n) => !n.startsWith('__')))(
    'serves the contract type %s with every field, argument and value as written',
    (name) => {
      const ours = committed.getType(name);
      expect(ours, `type ${name}`).toBeDefined();
      expect(shapeOf(ours as GraphQLNamedType)).toMatchObject(shapeOf(contract.getType(name) as GraphQLNamedType));
    },
  );
});
