/**
 * A shardflow deployment as separate processes (`node dist/main.js --roles …`) on a test
 * database and a NATS server, which tests can kill, stop, continue and restart one by one.
 */
import { hostname } from 'node:os';
import { freePort, startProcess, type RoleProcess } from './processes';
import { ShardflowApi } from './shardflow-api';
import { eventually } from './wait';

export interface ClusterOptions {
  databaseUrl: string;
  natsUrl: string;
  natsPrefix: string;
  /** Extra environment for every process. */
  env?: Record<string, string>;
  /** The directory whose dist/ the processes run (default: this checkout's). */
  root?: string;
}

export interface ClusterView {
  cluster: {
    leaderId: string | null;
    epoch: number;
    leaderSince: string | null;
    planners: Array<{ id: string; leader: boolean }>;
  };
  workers: Array<{ id: string; alive: boolean; running: number; pid: number }>;
}

const VIEW = `{ cluster { leaderId epoch leaderSince planners { id leader } } workers { id alive running pid } }`;

export class ProcessCluster {
  readonly processes = new Map<string, RoleProcess>();
  api!: ShardflowApi;
  private readonly env: Record<string, string>;

  constructor(private readonly options: ClusterOptions) {
    this.env = {
      DATABASE_URL: options.databaseUrl,
      NATS_URL: options.natsUrl,
      SHARDFLOW_NATS_PREFIX: options.natsPrefix,
      SHARDFLOW_LEASE_MS: '2000',
      SHARDFLOW_WORKER_TIMEOUT_MS: '2000',
      ...options.env,
    };
  }

  async startApi(): Promise<void> {
    const port = await freePort();
    this.processes.set('api', startProcess(['--roles', 'api'], { ...this.env, PORT: String(port) }, this.options.root));
    this.api = new ShardflowApi(`http://127.0.0.1:${port}`);
    await eventually(
      async () => ((await fetch(`${this.api.baseUrl}/readyz`).catch(() => null))?.status === 200 ? true : undefined),
      {
        what: 'the api to be ready',
      },
    );
  }

  startPlanner(name: string, env: Record<string, string> = {}): RoleProcess {
    const p = startProcess(['--roles', 'planner'], { ...this.env, ...env }, this.options.root);
    this.processes.set(name, p);
    return p;
  }

  /** Workers get the bus only: no database credentials. */
  startWorker(name: string, env: Record<string, string> = {}): RoleProcess {
    const p = startProcess(['--roles', 'worker'], { ...this.env, DATABASE_URL: '', ...env }, this.options.root);
    this.processes.set(name, p);
    return p;
  }

  get(name: string): RoleProcess {
    const p = this.processes.get(name);
    if (!p) throw new Error(`no process ${name}`);
    return p;
  }

  async view(): Promise<ClusterView> {
    return this.api.request<ClusterView>(VIEW);
  }

  /** Waits for a leader (other than `not`, when given) and the given number of live workers. */
  async ready(workers: number, not?: string): Promise<ClusterView> {
    return eventually(
      async () => {
        const v = await this.view();
        const leader = v.cluster.leaderId;
        return leader && leader !== not && v.workers.filter((w) => w.alive).length >= workers ? v : undefined;
      },
      { what: `a leader and ${workers} live workers` },
    );
  }

  /** The process name of the planner whose id is `plannerId` (ids carry host and pid). */
  nameOfPlanner(plannerId: string): string {
    for (const [name, p] of this.processes) {
      if (plannerId.startsWith(`${hostname()}-${p.child.pid}-`)) return name;
    }
    throw new Error(`no process for planner ${plannerId}`);
  }

  /** The process name of the worker whose id is `workerId`. */
  nameOfWorker(workerId: string): string {
    for (const [name, p] of this.processes) {
      if (workerId.startsWith(`${hostname()}-${p.child.pid}-`)) return name;
    }
    throw new Error(`no process for worker ${workerId}`);
  }

  signal(name: string, signal: NodeJS.Signals): void {
    this.get(name).child.kill(signal);
  }

  async stopAll(): Promise<void> {
    for (const p of this.processes.values()) p.child.kill('SIGCONT');
    await Promise.all([...this.processes.values()].map((p) => p.stop(5000)));
  }

  /** Every process's output, for a failing test's message. */
  logs(): string {
    return [...this.processes].map(([name, p]) => `--- ${name}\n${p.output().slice(-3000)}`).join('\n');
  }
}
