/**
 * Carries out the kill schedule against a ProcessCluster and its private NATS server: kill -9
 * and SIGTERM workers (and start them again), kill -9 the leader (and start it again as a
 * standby), SIGSTOP the leader past its lease (then SIGCONT it), restart NATS. Records when
 * each disruption happened and how long the leader takeovers took.
 */
import { createWriteStream } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { NatsServerProcess } from '../bus/nats-server-process';
import type { ProcessCluster } from '../support/cluster';
import type { RoleProcess } from '../support/processes';
import { eventually } from '../support/wait';
import { KIND_LABELS, type ChaosOptions } from './chaos-options';
import type { ChaosAction } from './chaos-plan';

export interface ChaosEvent {
  action: ChaosAction;
  /** When the signal was sent (ms since the epoch); null when the action was skipped. */
  at: number | null;
  target: string;
  pid: number | null;
  /** Leader actions: the epoch before, and the first new epoch seen in `cluster`. */
  epochBefore?: number;
  epochAfter?: number;
  /** Leader actions: signal → a new epoch in `cluster { epoch leaderId }`; null if none in time. */
  takeoverMs?: number | null;
  /** SIGSTOP: whether a standby took over while the old leader was stopped. */
  tookOverWhileStopped?: boolean;
  /** NATS restart: stop → ready again. */
  natsDownMs?: number;
  /** SIGTERM: the exit code, or null if it had to be killed. */
  exitCode?: number | null;
  note?: string;
}

export const WORKER_SLOTS = ['worker-1', 'worker-2', 'worker-3'];
export const PLANNER_SLOTS = ['planner-1', 'planner-2', 'planner-3'];

/** Leader loop crashes after which the chaos gives up on the cluster and goes to the audit. */
const WEDGED_AFTER_CRASHES = 20;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** `promise`, or `fallback` after `ms`. */
async function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export class ChaosMonkey {
  readonly events: ChaosEvent[] = [];
  /** Set when the leader loop kept crashing and the chaos gave up on the cluster. */
  wedged = false;
  /** The machine's 1-minute load average at each disruption: context for the failover times. */
  readonly loads: number[] = [];
  /** Processes replaced by a restart, kept for their logs. */
  readonly retired: Array<{ name: string; process: RoleProcess }> = [];
  /** Worker slots waiting for their new process. */
  private readonly restarting = new Map<string, Promise<void>>();
  private readonly stoppedPlanners = new Set<string>();
  private readonly workerEnv: Record<string, string>;

  constructor(
    private readonly cluster: ProcessCluster,
    private readonly nats: NatsServerProcess,
    private readonly options: ChaosOptions,
    private readonly log: (line: string) => void,
    /** Where every process's output is written as it comes (`<slot>-pid<pid>.log`). */
    private readonly logDir: string,
    /** What PostgreSQL sessions are doing, for evidence when a takeover does not come. */
    private readonly diagnose: () => Promise<string> = async () => '',
  ) {
    this.workerEnv = { WORKER_CONCURRENCY: String(options.workerConcurrency) };
  }

  startAll(): void {
    for (const slot of PLANNER_SLOTS) this.startPlanner(slot);
    for (const slot of WORKER_SLOTS) this.startWorker(slot);
  }

  /** Copies a process's output to its log file as it comes, so a stuck run can be read live. */
  capture(name: string, p: RoleProcess): void {
    const file = createWriteStream(join(this.logDir, `${name}-pid${p.child.pid}.log`));
    p.child.stdout?.on('data', (d: Buffer) => file.write(d));
    p.child.stderr?.on('data', (d: Buffer) => file.write(d));
    p.child.once('exit', () => file.end());
  }

  private startWorker(slot: string): void {
    this.capture(slot, this.cluster.startWorker(slot, this.workerEnv));
  }

  private startPlanner(slot: string): void {
    this.capture(slot, this.cluster.startPlanner(slot));
  }

  /** Runs the schedule from `startedAt`; stops early once the chaos window is over. */
  async run(plan: ChaosAction[], startedAt: number): Promise<void> {
    const endsAt = startedAt + this.options.seconds * 1000;
    let lastEnd = startedAt;
    for (const action of plan) {
      // On time, but never right on the heels of the last one (a slow takeover delays the rest).
      await delay(Math.max(startedAt + action.atMs, lastEnd + this.options.minGapMs) - Date.now());
      const crashes = [...this.leaderCrashes().values()].reduce((a, b) => a + b, 0);
      if (crashes >= WEDGED_AFTER_CRASHES) {
        this.log(`the leader loop crashed ${crashes} times: the cluster is wedged, so the chaos stops here`);
        this.wedged = true;
        break;
      }
      if (Date.now() >= endsAt) {
        this.log(`chaos window of ${this.options.seconds} s is over: ${plan.length - action.index} action(s) left out`);
        break;
      }
      this.loads.push(loadavg()[0]);
      const event = await this.perform(action);
      this.events.push(event);
      lastEnd = Date.now();
      const when = ((event.at ?? Date.now()) - startedAt) / 1000;
      this.log(
        `[${when.toFixed(1).padStart(6)} s] #${action.index + 1} ${KIND_LABELS[action.kind]} ${describe(event)}`,
      );
    }
  }

  /**
   * Continues stopped planners, waits for every restart, and starts again any slot whose process
   * is gone, until every worker slot's process heartbeats and a leader leads.
   */
  async restore(): Promise<void> {
    for (const slot of this.stoppedPlanners) this.cluster.signal(slot, 'SIGCONT');
    this.stoppedPlanners.clear();
    await within(Promise.all(this.restarting.values()), 60_000, []);
    await eventually(
      async () => {
        for (const slot of [...WORKER_SLOTS, ...PLANNER_SLOTS]) {
          const p = this.cluster.get(slot);
          if (p.child.exitCode === null && p.child.signalCode === null) continue;
          this.log(`${slot} (pid ${p.child.pid}) is gone: starting it again`);
          this.retire(slot, p);
          if (slot.startsWith('worker')) this.startWorker(slot);
          else this.startPlanner(slot);
        }
        const view = await this.cluster.view();
        const alive = WORKER_SLOTS.every((slot) =>
          view.workers.some((w) => w.alive && w.pid === this.cluster.get(slot).child.pid),
        );
        return view.cluster.leaderId && alive ? true : undefined;
      },
      { timeoutMs: 90_000, everyMs: 250, what: 'a leader and every worker slot alive after the chaos' },
    ).catch((err: Error) => this.log(`${err.message}: auditing what there is`));
  }

  /**
   * Times a leader loop ended on an error of its own (not the loss of its lease), by message:
   * the leader is meant to end only when it loses the lease or is stopped.
   */
  leaderCrashes(): Map<string, number> {
    const crashes = new Map<string, number>();
    for (const { name, output } of this.logs()) {
      if (!name.startsWith('planner')) continue;
      for (const m of output.matchAll(/leader loop ended: ([^\n]*)/g)) {
        // eslint-disable-next-line no-control-regex
        const message = m[1].replace(/\u001b\[[0-9;]*m/g, '').trim();
        if (/lease of epoch \d+ is no longer held/.test(message)) continue;
        // A leader frozen mid-transaction (SIGSTOP) has its session ended by PostgreSQL's
        // idle_in_transaction_session_timeout, so a standby can take over; when it wakes, its
        // transaction fails on the closed connection. That is the fencing working, not a crash.
        if (/idle-in-transaction timeout|query runner was already released|Connection terminated/i.test(message))
          continue;
        crashes.set(message, (crashes.get(message) ?? 0) + 1);
      }
    }
    return crashes;
  }

  /** Every process's output, the ones replaced included, by name. */
  logs(): Array<{ name: string; output: string }> {
    const current = [...this.cluster.processes].map(([name, p]) => ({
      name: `${name}-pid${p.child.pid}`,
      output: p.output(),
    }));
    const old = this.retired.map(({ name, process }) => ({
      name: `${name}-pid${process.child.pid}`,
      output: process.output(),
    }));
    return [...old, ...current];
  }

  /** Lines of any process's output that mention `text`, as `name: line` without colours. */
  logsMentioning(text: string): string[] {
    const lines: string[] = [];
    for (const { name, output } of this.logs()) {
      if (!output.includes(text)) continue;
      for (const line of output.split('\n')) {
        // eslint-disable-next-line no-control-regex
        if (line.includes(text)) lines.push(`${name}: ${line.replace(/\u001b\[[0-9;]*m/g, '').trim()}`);
      }
    }
    return lines;
  }

  private async perform(action: ChaosAction): Promise<ChaosEvent> {
    switch (action.kind) {
      case 'kill-worker':
        return this.signalWorker(action, 'SIGKILL');
      case 'term-worker':
        return this.signalWorker(action, 'SIGTERM');
      case 'kill-leader':
        return this.killLeader(action);
      case 'stop-leader':
        return this.stopLeader(action);
      case 'restart-nats':
        return this.restartNats(action);
    }
  }

  /** Worker slots whose current process heartbeats (the view's pid is this process's). */
  private async liveWorkers(): Promise<string[]> {
    const { workers } = await this.cluster.view();
    return WORKER_SLOTS.filter((slot) => {
      if (this.restarting.has(slot)) return false;
      const pid = this.cluster.get(slot).child.pid;
      return workers.some((w) => w.alive && w.pid === pid);
    });
  }

  /** A worker slot to hit, once at least two heartbeat: another worker always stays up. */
  private async pickWorker(pick: number): Promise<string | null> {
    const up = await eventually(
      async () => {
        const live = await this.liveWorkers();
        return live.length >= 2 ? live : undefined;
      },
      { timeoutMs: 60_000, everyMs: 100, what: 'two live workers' },
    ).catch(() => null);
    return up ? up[Math.floor(pick * up.length)] : null;
  }

  private async signalWorker(action: ChaosAction, signal: 'SIGKILL' | 'SIGTERM'): Promise<ChaosEvent> {
    const slot = await this.pickWorker(action.pick);
    if (!slot) return { action, at: null, target: 'worker', pid: null, note: 'skipped: no worker to spare' };
    const victim = this.cluster.get(slot);
    const event: ChaosEvent = { action, at: Date.now(), target: slot, pid: victim.child.pid ?? null };
    victim.child.kill(signal);
    this.retire(slot, victim);
    const graceMs = this.options.workerStopGraceMs + 15_000;
    const back = (async () => {
      const code = await within(victim.exited, graceMs, undefined);
      if (code === undefined) {
        victim.child.kill('SIGKILL');
        await within(victim.exited, 10_000, null);
        event.note = `did not exit within ${graceMs} ms of ${signal}: killed`;
      }
      if (signal === 'SIGTERM') event.exitCode = code ?? null;
      await delay(action.downMs);
      this.startWorker(slot);
    })().finally(() => this.restarting.delete(slot));
    this.restarting.set(slot, back);
    return event;
  }

  /**
   * The leader, once a standby is up to replace it (a planner process of ours, running and not
   * stopped, that records itself): the chaos tests failover, not a cluster without planners.
   */
  private async leader(): Promise<{ slot: string; epoch: number; id: string } | null> {
    const slotOf = (id: string): string | null => {
      try {
        return this.cluster.nameOfPlanner(id);
      } catch {
        return null;
      }
    };
    return eventually(
      async () => {
        const { cluster } = await this.cluster.view();
        if (!cluster.leaderId) return undefined;
        const slot = slotOf(cluster.leaderId);
        if (!slot || this.stoppedPlanners.has(slot)) return undefined;
        const standby = cluster.planners.some((p) => {
          const s = p.leader ? null : slotOf(p.id);
          const child = s ? this.cluster.get(s).child : null;
          return s && child && !this.stoppedPlanners.has(s) && child.exitCode === null && child.signalCode === null;
        });
        return standby ? { slot, epoch: cluster.epoch, id: cluster.leaderId } : undefined;
      },
      { timeoutMs: 60_000, everyMs: 50, what: 'a leader and a standby' },
    ).catch(() => null);
  }

  /** The first epoch above `epoch` with a live leader, and when it was seen; null after `timeoutMs`. */
  private async takeover(epoch: number, timeoutMs: number): Promise<{ epoch: number; seenAt: number } | null> {
    return eventually(
      async () => {
        const { cluster } = await this.cluster.view();
        return cluster.leaderId && cluster.epoch > epoch ? { epoch: cluster.epoch, seenAt: Date.now() } : undefined;
      },
      { timeoutMs, everyMs: 25, what: `a leader with an epoch above ${epoch}` },
    ).catch(() => null);
  }

  private takeoverBound(): number {
    return this.options.leaseMs * 3 + 10_000;
  }

  private async killLeader(action: ChaosAction): Promise<ChaosEvent> {
    const before = await this.leader();
    if (!before) return { action, at: null, target: 'leader', pid: null, note: 'skipped: no leader and standby' };
    const victim = this.cluster.get(before.slot);
    const event: ChaosEvent = {
      action,
      at: Date.now(),
      target: before.slot,
      pid: victim.child.pid ?? null,
      epochBefore: before.epoch,
    };
    victim.child.kill('SIGKILL');
    this.retire(before.slot, victim);
    const after = await this.takeover(before.epoch, this.takeoverBound());
    event.epochAfter = after?.epoch;
    event.takeoverMs = after ? after.seenAt - (event.at ?? 0) : null;
    await within(victim.exited, 10_000, null);
    // Back as a standby: the new leader already holds the lease.
    this.startPlanner(before.slot);
    return event;
  }

  private async stopLeader(action: ChaosAction): Promise<ChaosEvent> {
    const before = await this.leader();
    if (!before) return { action, at: null, target: 'leader', pid: null, note: 'skipped: no leader and standby' };
    const victim = this.cluster.get(before.slot);
    const event: ChaosEvent = {
      action,
      at: Date.now(),
      target: before.slot,
      pid: victim.child.pid ?? null,
      epochBefore: before.epoch,
    };
    victim.child.kill('SIGSTOP');
    this.stoppedPlanners.add(before.slot);
    // Past its lease: a standby should take over while this one is stopped.
    const after = await this.takeover(before.epoch, this.options.leaseMs * 3 + 3_000);
    event.tookOverWhileStopped = after !== null;
    if (after) await delay(action.holdMs);
    else
      event.note = `no takeover while the leader was stopped; sessions: ${await this.diagnose().catch((e: Error) => e.message)}`;
    victim.child.kill('SIGCONT');
    this.stoppedPlanners.delete(before.slot);
    const late = after ?? (await this.takeover(before.epoch, this.takeoverBound()));
    event.epochAfter = late?.epoch;
    event.takeoverMs = late ? late.seenAt - (event.at ?? 0) : null;
    return event;
  }

  private async restartNats(action: ChaosAction): Promise<ChaosEvent> {
    const event: ChaosEvent = { action, at: Date.now(), target: 'nats', pid: null };
    await this.nats.stop();
    await this.nats.start();
    event.natsDownMs = Date.now() - (event.at ?? 0);
    return event;
  }

  private retire(name: string, process: RoleProcess): void {
    this.retired.push({ name, process });
  }
}

function describe(event: ChaosEvent): string {
  if (event.at === null) return `(${event.note ?? 'skipped'})`;
  const parts = [event.target + (event.pid ? ` (pid ${event.pid})` : '')];
  if (event.epochBefore !== undefined) {
    parts.push(
      event.takeoverMs != null
        ? `epoch ${event.epochBefore} → ${event.epochAfter} in ${event.takeoverMs} ms`
        : `no new leader after epoch ${event.epochBefore}`,
    );
  }
  if (event.natsDownMs !== undefined) parts.push(`back in ${event.natsDownMs} ms`);
  if (event.note) parts.push(event.note);
  return parts.join(', ');
}
