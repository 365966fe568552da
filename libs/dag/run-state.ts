/**
 * The planner leader's in-memory model of one run: per-step counters and the
 * trigger verdicts that follow from them. PostgreSQL stays the truth; a new
 * leader rebuilds this from it (the `initial` states) before planning.
 *
 * Cost: an event is O(1) plus marking the step's downstream steps dirty, and
 * that happens only when a verdict could change (a counter leaving zero, or
 * the step finishing), so at most five times per step. `advance` looks at
 * dirty steps only, never the whole DAG.
 */
import type { StepDefinition, TriggerRule } from './job-definition';
import { doneCount, emptyProgress, evaluateTrigger, type StepProgress } from './trigger-rules';
import type { TaskStatus } from './task-transitions';

export type StepPhase = 'PENDING' | 'EXPANDED' | 'SKIPPED' | 'CANCELLED';

export interface StepState {
  key: string;
  phase: StepPhase;
  progress: StepProgress;
  /** A worker has claimed one of its tasks. */
  started: boolean;
}

export type FinalTaskStatus = 'SUCCEEDED' | 'FAILED' | 'SKIPPED' | 'CANCELLED';
export type StepStatus = TaskStatus;

interface Node {
  state: StepState;
  rule: TriggerRule;
  upstream: number[];
  downstream: number[];
  /** Reported READY by `advance`; not reported again while waiting for `markExpanded`. */
  announced: boolean;
}

const COUNTERS = {
  SUCCEEDED: 'succeeded',
  FAILED: 'failed',
  SKIPPED: 'skipped',
  CANCELLED: 'cancelled',
} as const;

function isStepFinal(state: StepState): boolean {
  if (state.phase === 'SKIPPED' || state.phase === 'CANCELLED') return true;
  return state.phase === 'EXPANDED' && doneCount(state.progress) === state.progress.total;
}

export class RunState {
  private readonly nodes: Node[];
  private readonly indexOf = new Map<string, number>();
  /** A FIFO of steps to re-evaluate, with a flag each so a step is queued at most once. */
  private dirtyQueue: number[] = [];
  private isDirty: Uint8Array;
  private unfinished: number;

  /** `steps` must be a validated job's (known dependencies, no cycle). */
  constructor(steps: readonly StepDefinition[], initial?: readonly StepState[]) {
    steps.forEach((step, i) => this.indexOf.set(step.key, i));
    this.nodes = steps.map((step) => ({
      state: {
        key: step.key,
        phase: 'PENDING',
        progress: emptyProgress(step.shards),
        started: false,
      },
      rule: step.triggerRule,
      upstream: step.dependsOn.map((d) => this.indexFor(d)),
      downstream: [],
      announced: false,
    }));
    this.nodes.forEach((node, i) => node.upstream.forEach((u) => this.nodes[u].downstream.push(i)));
    for (const given of initial ?? []) {
      const node = this.nodes[this.indexFor(given.key)];
      node.state = {
        key: given.key,
        phase: given.phase,
        progress: { ...given.progress },
        started: given.started,
      };
    }
    this.unfinished = this.nodes.filter((n) => !isStepFinal(n.state)).length;
    // A fresh or rebuilt run has never been evaluated: everything is dirty once, in definition order.
    this.isDirty = new Uint8Array(this.nodes.length);
    this.nodes.forEach((_, i) => this.markDirty(i));
  }

  step(key: string): StepState {
    return this.nodes[this.indexFor(key)].state;
  }

  /**
   * Steps whose trigger now holds and steps that must be skipped. Skipped
   * steps are marked here and may in turn settle their downstream steps, so
   * this repeats until nothing changes. A step is reported ready once; the
   * caller expands it (markExpanded) in the same transaction.
   */
  advance(): { ready: string[]; skipped: string[] } {
    const ready: string[] = [];
    const skipped: string[] = [];
    for (let head = 0; head < this.dirtyQueue.length; head++) {
      const i = this.dirtyQueue[head];
      this.isDirty[i] = 0;
      const node = this.nodes[i];
      if (node.state.phase !== 'PENDING' || node.announced) continue;
      const verdict = evaluateTrigger(
        node.rule,
        node.upstream.map((u) => this.nodes[u].state.progress),
      );
      if (verdict === 'READY') {
        node.announced = true;
        ready.push(node.state.key);
      } else if (verdict === 'SKIP') {
        node.state.phase = 'SKIPPED';
        node.state.progress = {
          ...emptyProgress(node.state.progress.total),
          skipped: node.state.progress.total,
        };
        this.unfinished--;
        skipped.push(node.state.key);
        this.touchDownstream(i);
      }
    }
    this.dirtyQueue = [];
    return { ready, skipped };
  }

  markExpanded(key: string): void {
    const i = this.indexFor(key);
    const state = this.nodes[i].state;
    if (state.phase !== 'PENDING') throw new Error(`step "${key}" cannot be expanded: it is ${state.phase}`);
    state.phase = 'EXPANDED';
    this.nodes[i].announced = true;
  }

  markStarted(key: string): void {
    this.nodes[this.indexFor(key)].state.started = true;
  }

  /**
   * Counts one task of the step as final. The caller only reports a task
   * reaching a final state once (the task transitions guarantee that), so an
   * overflow here is a bug and throws rather than corrupts the counters.
   * Results for a cancelled step are late and change nothing.
   */
  recordTaskFinal(key: string, status: FinalTaskStatus): void {
    const i = this.indexFor(key);
    const state = this.nodes[i].state;
    if (state.phase === 'CANCELLED') return;
    if (state.phase !== 'EXPANDED') throw new Error(`step "${key}" has no tasks: it is ${state.phase}`);
    const progress = state.progress;
    if (doneCount(progress) >= progress.total) throw new Error(`step "${key}" has no unfinished task left`);
    const counter = COUNTERS[status];
    progress[counter]++;
    const finished = doneCount(progress) === progress.total;
    if (finished) this.unfinished--;
    // Verdicts turn on a counter leaving zero or on all upstream tasks being done; nothing else matters.
    if (finished || progress[counter] === 1) this.touchDownstream(i);
  }

  /** Turns every unfinished step CANCELLED, its unfinished tasks counted as cancelled; returns their keys. */
  cancelAll(): string[] {
    const cancelled: string[] = [];
    for (const node of this.nodes) {
      const state = node.state;
      if (isStepFinal(state)) continue;
      state.progress.cancelled += state.progress.total - doneCount(state.progress);
      state.phase = 'CANCELLED';
      cancelled.push(state.key);
    }
    this.unfinished = 0;
    this.dirtyQueue = [];
    this.isDirty.fill(0);
    return cancelled;
  }

  isFinished(): boolean {
    return this.unfinished === 0;
  }

  /** null while unfinished. A cancelled run is the caller's to call CANCELLED; this only says whether a task failed. */
  outcome(): 'SUCCEEDED' | 'FAILED' | null {
    if (!this.isFinished()) return null;
    return this.nodes.some((n) => n.state.progress.failed > 0) ? 'FAILED' : 'SUCCEEDED';
  }

  stepStatus(key: string): StepStatus {
    const state = this.step(key);
    const { phase, progress, started } = state;
    if (phase === 'PENDING') return 'PENDING';
    if (isStepFinal(state)) {
      if (progress.failed > 0) return 'FAILED';
      if (progress.cancelled > 0) return 'CANCELLED';
      if (progress.succeeded === 0 && progress.skipped === progress.total) return 'SKIPPED';
      return 'SUCCEEDED';
    }
    return started ? 'RUNNING' : 'QUEUED';
  }

  /** Every step's state, in definition order (for persisting or for a rebuild in tests). */
  snapshot(): StepState[] {
    return this.nodes.map((n) => ({ ...n.state, progress: { ...n.state.progress } }));
  }

  private touchDownstream(i: number): void {
    for (const d of this.nodes[i].downstream) this.markDirty(d);
  }

  private markDirty(i: number): void {
    if (this.isDirty[i]) return;
    this.isDirty[i] = 1;
    this.dirtyQueue.push(i);
  }

  private indexFor(key: string): number {
    const i = this.indexOf.get(key);
    if (i === undefined) throw new Error(`unknown step "${key}"`);
    return i;
  }
}
