import type { ControlMessage, HeartbeatMessage } from '../../libs/contracts/messages';
import type { AttemptRow, TaskRow } from './sql/task-rows.sql';
import type { RunStatusChange } from './sql/run-rows.sql';
import type { ActiveRun } from './run-book';

/** Everything one leader turn decided: written in its transaction, then sent after commit. */
export class TurnEffects {
  readonly insertedTasks: TaskRow[] = [];
  readonly updatedTasks = new Map<string, TaskRow>();
  readonly attempts = new Map<string, AttemptRow>();
  readonly carriedAttempts: Array<{ from: string; to: string }> = [];
  /** runId -> step keys whose counters changed. */
  readonly touchedSteps = new Map<string, Set<string>>();
  readonly runChanges = new Map<string, RunStatusChange>();
  /** Task ids to publish once the transaction commits. */
  readonly publish: string[] = [];
  readonly controls: ControlMessage[] = [];
  heartbeats: HeartbeatMessage[] = [];
  /** Results that named an attempt no longer current: noted on that attempt, changing nothing else. */
  readonly staleResults: Array<{ taskId: string; attempt: number; note: string }> = [];
  /** Runs that left the run book this turn (finished or cancelled); their counters are still written. */
  readonly retired = new Map<string, ActiveRun>();
  /** A run finished or waits for a free slot: look at queued runs again next turn. */
  recheckQueued = false;

  touch(runId: string, stepKey: string): void {
    let keys = this.touchedSteps.get(runId);
    if (!keys) this.touchedSteps.set(runId, (keys = new Set()));
    keys.add(stepKey);
  }

  attempt(row: AttemptRow): void {
    this.attempts.set(`${row.taskId}:${row.number}`, row);
  }

  /** Tells one worker to stop one attempt (never the whole run: that is a broadcast without workerId). */
  stopWorker(runId: string, taskId: string, workerId: string | null, attempt: number): void {
    if (!workerId) return;
    this.controls.push({ type: 'cancel', runId, taskIds: [taskId], workerId, attempt });
  }

  get changedRuns(): string[] {
    return [...new Set([...this.touchedSteps.keys(), ...this.runChanges.keys()])];
  }
}
