/**
 * Typed configuration, read and validated once at start. Nothing else in the
 * application reads process.env: modules inject APP_CONFIG instead.
 */
import { z } from 'zod';

export const APP_CONFIG = Symbol('APP_CONFIG');

export const ROLES = ['api', 'planner', 'worker'] as const;
export type Role = (typeof ROLES)[number];

export interface AppConfig {
  roles: Role[];
  port: number;
  host: string;
  /** null: embedded PostgreSQL under dataDir. */
  databaseUrl: string | null;
  /** null: the in-process bus (only when every role shares this process). */
  natsUrl: string | null;
  dataDir: string;
  workerQueues: string[];
  workerConcurrency: number;
  workerAllowShell: boolean;
  apiToken: string | null;
  workerTimeoutMs: number;
  /** How long a stopping worker lets running tasks finish before handing them back. */
  workerStopGraceMs: number;
  leaseMs: number;
  /** Prepended to every NATS subject and stream name, so deployments (or test runs) can share one NATS. */
  natsPrefix: string;
}

export class ConfigError extends Error {}

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const intIn = (min: number, max: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int().min(min).max(max).optional());

const envSchema = z.object({
  PORT: intIn(0, 65535),
  HOST: z.preprocess(emptyToUndefined, z.string().optional()),
  DATABASE_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine((s) => /^postgres(ql)?:\/\/[^/]+/.test(s) && URL.canParse(s), 'must be a postgres:// URL')
      .optional(),
  ),
  NATS_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine(
        (s) => s.split(',').every((u) => /^(nats|tls):\/\/[^/]+/.test(u.trim()) && URL.canParse(u.trim())),
        'must be a nats:// URL (or a comma list of them)',
      )
      .optional(),
  ),
  SHARDFLOW_DATA_DIR: z.preprocess(emptyToUndefined, z.string().optional()),
  WORKER_QUEUES: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine(
        (s) => s.split(',').every((q) => /^[A-Za-z0-9_-]{1,64}$/.test(q.trim())),
        'must be a comma list of queue names ([A-Za-z0-9_-]{1,64})',
      )
      .optional(),
  ),
  WORKER_CONCURRENCY: intIn(1, 10_000),
  WORKER_ALLOW_SHELL: z.preprocess(emptyToUndefined, z.enum(['0', '1', 'true', 'false']).optional()),
  SHARDFLOW_API_TOKEN: z.preprocess(emptyToUndefined, z.string().min(1).optional()),
  SHARDFLOW_WORKER_TIMEOUT_MS: intIn(100, 86_400_000),
  SHARDFLOW_LEASE_MS: intIn(100, 86_400_000),
  SHARDFLOW_WORKER_STOP_GRACE_MS: intIn(0, 86_400_000),
  SHARDFLOW_NATS_PREFIX: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^([A-Za-z0-9_-]+\.)+$/, 'must be dot-terminated tokens like "staging."')
      .optional(),
  ),
});

/** Parses `--roles api,planner` (or `--roles=…`); default: every role. */
export function parseRoles(argv: string[]): Role[] {
  const i = argv.findIndex((a) => a === '--roles' || a.startsWith('--roles='));
  if (i < 0) return [...ROLES];
  const value = argv[i].includes('=') ? argv[i].slice('--roles='.length) : argv[i + 1];
  if (!value) throw new ConfigError('--roles: expected a comma list of api, planner, worker');
  const roles = [
    ...new Set(
      value
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean),
    ),
  ];
  const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (unknown.length || roles.length === 0) {
    throw new ConfigError(`--roles: unknown role "${unknown[0] ?? ''}" (use api, planner, worker)`);
  }
  return ROLES.filter((r) => roles.includes(r));
}

export function loadConfig(env: NodeJS.ProcessEnv, argv: string[]): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`${issue.path.join('.')}: ${issue.message}`);
  }
  const e = parsed.data;
  const roles = parseRoles(argv);
  const databaseUrl = e.DATABASE_URL ?? null;
  const natsUrl = e.NATS_URL ?? null;
  // In one process the embedded database and the in-process bus serve every role. Split
  // across processes, each role needs the shared engines it talks to: a worker only the bus.
  const split = roles.length < ROLES.length;
  const needsDatabase = roles.includes('api') || roles.includes('planner');
  const needsBus = roles.includes('planner') || roles.includes('worker');
  const missing = [needsDatabase && !databaseUrl && 'DATABASE_URL', needsBus && !natsUrl && 'NATS_URL'].filter(Boolean);
  if (split && missing.length) {
    throw new ConfigError(
      `--roles ${roles.join(',')}: roles split across processes need ${missing.join(' and ')} ` +
        '(the embedded database and the in-process bus live inside one all-roles process)',
    );
  }
  const apiToken = e.SHARDFLOW_API_TOKEN ?? null;
  return {
    roles,
    port: e.PORT ?? 3000,
    host: e.HOST ?? (apiToken ? '0.0.0.0' : '127.0.0.1'),
    databaseUrl,
    natsUrl,
    dataDir: e.SHARDFLOW_DATA_DIR ?? './.shardflow',
    workerQueues: (e.WORKER_QUEUES ?? 'default').split(',').map((q) => q.trim()),
    workerConcurrency: e.WORKER_CONCURRENCY ?? 16,
    workerAllowShell: e.WORKER_ALLOW_SHELL === '1' || e.WORKER_ALLOW_SHELL === 'true',
    apiToken,
    workerTimeoutMs: e.SHARDFLOW_WORKER_TIMEOUT_MS ?? 10_000,
    leaseMs: e.SHARDFLOW_LEASE_MS ?? 5_000,
    workerStopGraceMs: e.SHARDFLOW_WORKER_STOP_GRACE_MS ?? 10_000,
    natsPrefix: e.SHARDFLOW_NATS_PREFIX ?? '',
  };
}
