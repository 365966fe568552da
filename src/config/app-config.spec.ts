import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseRoles } from './app-config';

const DB = 'postgres://u:p@db:5432/shardflow';
const NATS = 'nats://nats:4222';

describe('loadConfig', () => {
  it('defaults to every role on the embedded engines, on loopback', () => {
    expect(loadConfig({}, [])).toEqual({
      roles: ['api', 'planner', 'worker'],
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: null,
      natsUrl: null,
      dataDir: './.shardflow',
      workerQueues: ['default'],
      workerConcurrency: 16,
      workerAllowShell: false,
      apiToken: null,
      workerTimeoutMs: 10_000,
      leaseMs: 5_000,
      workerStopGraceMs: 10_000,
      natsPrefix: '',
    });
  });

  it.each([
    [{ PORT: '8080' }, { port: 8080 }],
    [{ DATABASE_URL: '' }, { databaseUrl: null }],
    [{ NATS_URL: NATS }, { natsUrl: NATS }],
    [{ WORKER_QUEUES: 'a, b' }, { workerQueues: ['a', 'b'] }],
    [{ WORKER_ALLOW_SHELL: '1' }, { workerAllowShell: true }],
    [{ SHARDFLOW_API_TOKEN: 't' }, { apiToken: 't', host: '0.0.0.0' }],
    [{ SHARDFLOW_API_TOKEN: 't', HOST: '127.0.0.1' }, { host: '127.0.0.1' }],
    [
      { SHARDFLOW_LEASE_MS: '2000', SHARDFLOW_WORKER_TIMEOUT_MS: '3000' },
      { leaseMs: 2000, workerTimeoutMs: 3000 },
    ],
  ])('reads %j', (env, expected) => {
    expect(loadConfig(env, [])).toMatchObject(expected);
  });

  it.each([
    [{ PORT: 'eighty' }, [], /^PORT: /],
    [{ PORT: '70000' }, [], /^PORT: /],
    [{ DATABASE_URL: 'mysql://x' }, [], /^DATABASE_URL: must be a postgres/],
    [{ NATS_URL: 'http://x' }, [], /^NATS_URL: /],
    [{ WORKER_CONCURRENCY: '0' }, [], /^WORKER_CONCURRENCY: /],
    [{ WORKER_QUEUES: 'a.b' }, [], /^WORKER_QUEUES: /],
    [{}, ['--roles', 'planner'], /need DATABASE_URL and NATS_URL/],
    [{ DATABASE_URL: DB }, ['--roles', 'planner'], /need NATS_URL/],
    [{}, ['--roles', 'worker'], /need NATS_URL/],
    [{ NATS_URL: NATS }, ['--roles', 'api'], /need DATABASE_URL/],
    [{}, ['--roles', 'cook'], /unknown role "cook"/],
    [{}, ['--roles'], /--roles: expected/],
  ])('refuses %j %j in one line naming the problem', (env, argv, message) => {
    expect(() => loadConfig(env, argv)).toThrow(ConfigError);
    expect(() => loadConfig(env, argv)).toThrow(message);
  });

  it.each([
    [{ NATS_URL: NATS }, ['--roles', 'worker']],
    [{ DATABASE_URL: DB }, ['--roles', 'api']],
    [{ DATABASE_URL: DB, NATS_URL: NATS }, ['--roles=planner']],
  ])('starts a split role with the engines it needs: %j %j', (env, argv) => {
    expect(() => loadConfig(env, argv)).not.toThrow();
  });
});

describe('parseRoles', () => {
  it.each([
    [[], ['api', 'planner', 'worker']],
    [
      ['--roles', 'worker,api'],
      ['api', 'worker'],
    ],
    [['--roles=planner'], ['planner']],
  ])('%j -> %j', (argv, roles) => {
    expect(parseRoles(argv)).toEqual(roles);
  });
});
