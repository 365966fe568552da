import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { HeartbeatMessage, PlannerEvent } from '../../libs/contracts/messages';
import type { Delivery, Stoppable, TaskBus } from '../bus/task-bus.port';
import type { Clock } from '../clock/clock.port';
import { CHANNELS } from '../database/pg-notifier';
import type { Dispatcher } from '../dispatch/dispatcher';
import type { JobsService } from '../jobs/jobs.service';
import type { LeaseHold } from '../lease/leader-lease.port';
import type { PostgresLeaderLease } from '../lease/postgres-leader-lease';
import type { WorkersService } from '../workers/workers.service';
import { JOBS_CHANGED } from '../jobs/jobs.service';
import { LeaderTurn } from './leader-turn';
import { RunBook } from './run-book';
import { ScheduleBook } from './schedule-book';
import { applyScheduleFires } from './schedule-fires';
import { loadScheduledJobs } from './sql/fire-rows.sql';
import { loadRunSteps, loadRunningRuns, updateRunStatuses, writeRunSteps, type RunStepRow } from './sql/run-rows.sql';
import { copyAttempts } from './sql/run-rows.sql';
import {
  insertTasks,
  noteStaleResults,
  runningClaimsOf,
  updateTasks,
  upsertAttempts,
  workersHoldingTasks,
} from './sql/task-rows.sql';
import { TurnEffects } from './turn-effects';

export interface LeaderDeps {
  dataSource: DataSource;
  lease: PostgresLeaderLease;
  bus: TaskBus;
  dispatcher: Dispatcher;
  jobs: JobsService;
  workers: WorkersService;
  clock: Clock;
  /** A worker silent this long is dead: its running attempts are failed over. */
  workerTimeoutMs: number;
}

/** Claims and results taken per turn: one transaction applies them all. */
const EVENT_BATCH = 1000;
/** Longest wait for bus events before looking at timers again. */
const PULL_WAIT_MS = 250;
const TIMER_SWEEP_MS = 200;
const REQUEST_SWEEP_MS = 1000;
const REPUBLISH_SWEEP_MS = 5000;
/** A claim must be this much older than a heartbeat that omits it before it counts as given back. */
const ORPHAN_MARGIN_MS = 1000;
/** How often the leader looks for dead workers holding running attempts. */
const LIVENESS_SWEEP_MS = 1000;
/** Schedules are reloaded when the api says jobs changed, and at least this often regardless. */
const SCHEDULE_RELOAD_MS = 30_000;

/**
 * The leader's single loop: each turn drains what is waiting (bus events, api requests, due
 * timers), applies it in one fenced transaction, then publishes and acknowledges. One loop
 * means no two turns ever race over the same run.
 */
export class LeaderLoop {
  private readonly logger = new Logger('Leader');
  private readonly book = new RunBook();
  private readonly schedules = new ScheduleBook();
  private schedulesStale = true;
  private lastScheduleLoad = 0;
  private stopped = false;
  private requestsWanted = true;
  private wakeUp: (() => void) | null = null;
  private pending: Promise<Delivery<PlannerEvent>[]> | null = null;
  private heartbeats: HeartbeatMessage[] = [];
  /** When this leader last heard each worker (its own clock, so worker clock skew does not matter). */
  private readonly workerSeen = new Map<string, number>();
  /** Workers that said they are stopping: dead at once, whatever their last heartbeat. */
  private readonly handedBack = new Map<string, { workerId: string; why: string }>();
  /** Claims missing from their worker's heartbeats, and since when (this leader's clock). */
  private missingSince = new Map<string, number>();
  /** The last pull came back full: more events wait, so a missing claim may have its result queued. */
  private eventsBacklogged = false;
  /** Each worker's latest heartbeat that listed the tasks it runs. */
  private readonly workerReports = new Map<string, { at: number; taskIds: Set<string> }>();
  private lastLiveness = 0;
  private heartbeatSub: Stoppable | null = null;
  private lastTimers = 0;
  private lastRequests = 0;
  private lastRepublish = 0;
  private done: Promise<void> | null = null;

  constructor(
    private hold: LeaseHold,
    private readonly deps: LeaderDeps,
  ) {}

  get epoch(): number {
    return this.hold.epoch;
  }

  /** Runs until stopped or the lease is lost; resolves then. Never throws. */
  start(): Promise<void> {
    this.done ??= this.loop().catch((err: Error) => this.logger.error(`leader loop ended: ${err.message}`));
    return this.done;
  }

  /** The api wrote a request, or jobs changed: look at requests (and schedules) on a turn now. */
  wake(payload = ''): void {
    this.requestsWanted = true;
    if (payload === JOBS_CHANGED) this.schedulesStale = true;
    this.wakeUp?.();
  }

  renewed(hold: LeaseHold): void {
    this.hold = hold;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.();
    await this.done;
  }

  private async loop(): Promise<void> {
    this.heartbeatSub = this.deps.bus.onHeartbeat((hb) => {
      this.heartbeats.push(hb);
      this.workerSeen.set(hb.workerId, this.deps.clock.now().getTime());
      if (hb.taskIds && !hb.stopping)
        this.workerReports.set(hb.workerId, { at: Date.parse(hb.at), taskIds: new Set(hb.taskIds) });
      if (hb.stopping) {
        // Only what it names: the rest it finished, and those results may still be on their way.
        for (const taskId of hb.released ?? []) {
          this.handedBack.set(taskId, {
            workerId: hb.workerId,
            why: `worker ${hb.workerId} stopped and handed it back`,
          });
        }
        this.workerReports.delete(hb.workerId);
        this.wakeUp?.();
      }
    });
    try {
      await this.rebuild();
      while (!this.stopped) {
        const deliveries = await this.waitForWork();
        if (this.stopped) {
          deliveries.forEach((d) => d.nak());
          break;
        }
        await this.turn(deliveries, false);
      }
    } finally {
      await this.heartbeatSub.stop();
      const leftover = this.pending;
      this.pending = null;
      // Events pulled but not applied go back at once, so the next leader need not wait out the ack wait.
      if (leftover) (await leftover.catch(() => [])).forEach((d) => d.nak());
    }
  }

  /** A new leader rebuilds its view from PostgreSQL before it plans anything. */
  private async rebuild(): Promise<void> {
    const manager = this.deps.dataSource.manager;
    const runs = await loadRunningRuns(manager);
    const steps = await loadRunSteps(
      manager,
      runs.map((r) => r.id),
    );
    const byRun = new Map<string, RunStepRow['state'][]>();
    for (const s of steps) byRun.set(s.runId, [...(byRun.get(s.runId) ?? []), s.state]);
    for (const run of runs) {
      const definition = await this.deps.jobs.definition(run.jobId, run.jobVersion);
      this.book.add(run, definition, byRun.get(run.id));
    }
    this.logger.log(`leading with epoch ${this.hold.epoch}; ${runs.length} running run(s) taken over`);
    await this.turn([], true);
    await this.republish();
  }

  private async waitForWork(): Promise<Delivery<PlannerEvent>[]> {
    this.pending ??= this.deps.bus.pullEvents(EVENT_BATCH, PULL_WAIT_MS);
    const pulled = this.pending.then((d) => ({ deliveries: d }));
    const woken = new Promise<{ deliveries: null }>((resolve) => {
      this.wakeUp = () => resolve({ deliveries: null });
    });
    // Wake at the next schedule fire to the millisecond, not at the next sweep.
    const nextFire = this.schedules.earliest();
    const untilFire = nextFire ? Math.max(0, nextFire.getTime() - this.deps.clock.now().getTime()) : TIMER_SWEEP_MS;
    let timeout: NodeJS.Timeout | undefined;
    const timer = new Promise<{ deliveries: null }>((resolve) => {
      timeout = setTimeout(() => resolve({ deliveries: null }), Math.min(TIMER_SWEEP_MS, untilFire));
    });
    const winner = await Promise.race([pulled, woken, timer]);
    clearTimeout(timeout);
    this.wakeUp = null;
    if (winner.deliveries === null) return [];
    this.pending = null;
    this.eventsBacklogged = winner.deliveries.length >= EVENT_BATCH;
    return winner.deliveries;
  }

  private async turn(deliveries: Delivery<PlannerEvent>[], everything: boolean): Promise<void> {
    const now = this.deps.clock.now();
    const nowMs = now.getTime();
    const requests = everything || this.requestsWanted || nowMs - this.lastRequests >= REQUEST_SWEEP_MS;
    const timers = everything || nowMs - this.lastTimers >= TIMER_SWEEP_MS;
    if (requests) {
      this.requestsWanted = false;
      this.lastRequests = nowMs;
    }
    if (timers) this.lastTimers = nowMs;
    const effects = new TurnEffects();
    effects.heartbeats = this.heartbeats;
    this.heartbeats = [];
    if (this.schedulesStale || nowMs - this.lastScheduleLoad >= SCHEDULE_RELOAD_MS) {
      this.schedulesStale = false;
      this.lastScheduleLoad = nowMs;
      this.schedules.replace(await loadScheduledJobs(this.deps.dataSource.manager));
    }
    try {
      await this.deps.lease.fenced(this.hold, async (tx) => {
        const turn = new LeaderTurn(tx, this.book, this.deps.jobs, effects, now);
        const fires = await applyScheduleFires(tx, this.schedules, now, this.hold.acquiredAt);
        if (requests || fires.runsMade > 0) {
          await turn.applyCancels();
          await turn.admitQueuedRuns();
        }
        if (deliveries.length) await turn.applyEvents(deliveries.map((d) => d.body));
        if (timers) {
          await turn.applyDueRetries();
          await turn.applyTimeouts();
        }
        if (this.handedBack.size) {
          await turn.applyOrphans(new Map(this.handedBack));
          this.handedBack.clear();
        }
        if (nowMs - this.lastLiveness >= LIVENESS_SWEEP_MS) {
          this.lastLiveness = nowMs;
          await turn.applyLostWorkers(await this.deadWorkers(tx, nowMs));
          await turn.applyOrphans(await this.orphanedClaims(tx, nowMs));
        }
        await turn.advanceRuns(everything ? [...this.book.all()].map((r) => r.row.id) : effects.changedRuns);
        await this.flush(tx, effects);
      });
    } catch (err) {
      deliveries.forEach((d) => d.nak());
      this.stopped = true;
      throw err;
    }
    if (effects.recheckQueued) this.requestsWanted = true;
    await this.afterCommit(deliveries, effects);
    if (nowMs - this.lastRepublish >= REPUBLISH_SWEEP_MS) await this.republish();
  }

  /**
   * Workers holding running attempts that this leader has not heard from within the worker
   * timeout. A worker never heard since this leader took over gets the full timeout from the
   * takeover: heartbeats are not stored for leaders to inherit, and a live worker beats five
   * times per timeout.
   */
  private async deadWorkers(tx: EntityManager, nowMs: number): Promise<Map<string, string>> {
    const dead = new Map<string, string>();
    const since = this.hold.acquiredAt.getTime();
    for (const workerId of await workersHoldingTasks(tx)) {
      const seen = this.workerSeen.get(workerId) ?? since;
      if (nowMs - seen > this.deps.workerTimeoutMs) {
        dead.set(workerId, `worker ${workerId} silent for ${nowMs - seen} ms`);
      }
    }
    return dead;
  }

  /**
   * Claims a live worker does not run: its heartbeats omit them although they started well
   * before (both times are the worker's own clock, so skew does not matter) — for a whole
   * worker timeout, because a worker also forgets a task as soon as JetStream holds its result,
   * and that result may still wait in the events stream behind a busy leader. Not while this
   * leader is behind on events at all.
   */
  private async orphanedClaims(
    tx: EntityManager,
    nowMs: number,
  ): Promise<Map<string, { workerId: string; why: string }>> {
    const orphans = new Map<string, { workerId: string; why: string }>();
    if (this.workerReports.size === 0 || this.eventsBacklogged) {
      this.missingSince.clear();
      return orphans;
    }
    const stillMissing = new Map<string, number>();
    for (const claim of await runningClaimsOf(tx, [...this.workerReports.keys()])) {
      const report = this.workerReports.get(claim.workerId);
      if (!report || !claim.startedAt || report.taskIds.has(claim.id)) continue;
      if (claim.startedAt.getTime() >= report.at - ORPHAN_MARGIN_MS) continue;
      const since = this.missingSince.get(claim.id) ?? nowMs;
      stillMissing.set(claim.id, since);
      if (nowMs - since >= this.deps.workerTimeoutMs) {
        orphans.set(claim.id, { workerId: claim.workerId, why: `worker ${claim.workerId} no longer runs it` });
      }
    }
    this.missingSince = stillMissing;
    return orphans;
  }

  private async flush(tx: EntityManager, effects: TurnEffects): Promise<void> {
    await insertTasks(tx, effects.insertedTasks);
    await updateTasks(tx, [...effects.updatedTasks.values()]);
    await copyAttempts(tx, effects.carriedAttempts);
    await upsertAttempts(tx, [...effects.attempts.values()]);
    await noteStaleResults(tx, effects.staleResults);
    const steps: RunStepRow[] = [];
    for (const [runId, keys] of effects.touchedSteps) {
      const run = this.book.get(runId) ?? effects.retired.get(runId);
      if (!run) continue;
      for (const key of keys) steps.push({ runId, state: run.state.step(key) });
    }
    await writeRunSteps(tx, steps);
    await updateRunStatuses(tx, [...effects.runChanges.values()]);
    await this.deps.workers.recordHeartbeats(tx, effects.heartbeats);
    const changed = effects.changedRuns;
    // NOTIFY payloads are limited to 8000 bytes: about 200 run ids each.
    for (let i = 0; i < changed.length; i += 200) {
      await tx.query('SELECT pg_notify($1, $2)', [CHANNELS.runs, changed.slice(i, i + 200).join(',')]);
    }
  }

  private async afterCommit(deliveries: Delivery<PlannerEvent>[], effects: TurnEffects): Promise<void> {
    // Acknowledged only now: a crash before this line means a redelivery that changes nothing.
    // A failed ack only means the event comes back; applying it again changes nothing.
    await Promise.all(
      deliveries.map((d) => d.ack().catch((err: Error) => this.logger.warn(`ack failed: ${err.message}`))),
    );
    for (const control of effects.controls) {
      await this.deps.bus
        .publishControl(control)
        .catch((err: Error) => this.logger.warn(`control not sent: ${err.message}`));
    }
    if (effects.publish.length) await this.publish(effects.publish);
  }

  private async publish(taskIds: string[]): Promise<void> {
    try {
      const sent = await this.deps.dispatcher.publish(taskIds);
      if (sent.length === 0) return;
      await this.deps.lease.fenced(this.hold, (tx) =>
        tx.query(
          `UPDATE tasks SET published_at = $2 WHERE id = ANY($1::uuid[]) AND status = 'QUEUED' AND published_at IS NULL`,
          [sent, this.deps.clock.now()],
        ),
      );
    } catch (err) {
      // They stay QUEUED and unpublished: the republish sweep sends them again.
      this.logger.warn(`publishing ${taskIds.length} task(s) failed: ${(err as Error).message}`);
    }
  }

  private async republish(): Promise<void> {
    this.lastRepublish = this.deps.clock.now().getTime();
    const ids = await this.deps.dispatcher.unpublished(10_000);
    if (ids.length) await this.publish(ids);
  }
}
