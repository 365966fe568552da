import type { JobDefinition, StepDefinition } from '../../libs/dag/job-definition';
import { RunState, type StepState } from '../../libs/dag/run-state';
import type { ActiveRunRow } from './sql/run-rows.sql';

/** One run the leader is driving: its definition and the in-memory readiness counters. */
export interface ActiveRun {
  row: ActiveRunRow;
  definition: JobDefinition;
  steps: Map<string, StepDefinition>;
  state: RunState;
}

/**
 * The leader's view of every RUNNING run. It is only an index over PostgreSQL: built from it
 * when a planner becomes leader, and thrown away whenever a transaction fails, so that it can
 * never drift from what was committed.
 */
export class RunBook {
  private readonly runs = new Map<string, ActiveRun>();
  private readonly activeByJob = new Map<string, number>();

  add(row: ActiveRunRow, definition: JobDefinition, initial?: StepState[]): ActiveRun {
    const run: ActiveRun = {
      row,
      definition,
      steps: new Map(definition.steps.map((s) => [s.key, s])),
      state: new RunState(definition.steps, initial),
    };
    this.runs.set(row.id, run);
    this.activeByJob.set(row.jobId, (this.activeByJob.get(row.jobId) ?? 0) + 1);
    return run;
  }

  get(runId: string): ActiveRun | undefined {
    return this.runs.get(runId);
  }

  remove(runId: string): void {
    const run = this.runs.get(runId);
    if (!run) return;
    this.runs.delete(runId);
    const left = (this.activeByJob.get(run.row.jobId) ?? 1) - 1;
    if (left > 0) this.activeByJob.set(run.row.jobId, left);
    else this.activeByJob.delete(run.row.jobId);
  }

  activeCount(jobId: string): number {
    return this.activeByJob.get(jobId) ?? 0;
  }

  all(): IterableIterator<ActiveRun> {
    return this.runs.values();
  }

  get size(): number {
    return this.runs.size;
  }
}
