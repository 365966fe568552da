import type { RunStep, RunSummary, TaskStatus } from '../api/types';

export interface GridColumn {
  run: RunSummary;
  /** Run duration in ms (to now for a run still going), for the bar above the column. */
  durationMs: number | null;
  cells: Array<{ key: string; status: TaskStatus | null; step: RunStep | null }>;
}

export interface GridModel {
  /** Row order: the job's steps now, then steps only older versions had. */
  stepKeys: string[];
  /** Oldest run first, as in Airflow's grid: time runs left to right. */
  columns: GridColumn[];
  longestMs: number;
}

/** Runs × steps, coloured by status: the job page's run-history grid. */
export function runGrid(runs: RunSummary[], currentSteps: string[], now: number = Date.now()): GridModel {
  const ordered = [...runs].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  const stepKeys = [...currentSteps];
  for (const run of ordered) for (const s of run.steps) if (!stepKeys.includes(s.key)) stepKeys.push(s.key);
  let longestMs = 0;
  const columns = ordered.map((run) => {
    const byKey = new Map(run.steps.map((s) => [s.key, s]));
    const durationMs = run.startedAt
      ? (run.finishedAt ? Date.parse(run.finishedAt) : now) - Date.parse(run.startedAt)
      : null;
    if (durationMs !== null) longestMs = Math.max(longestMs, durationMs);
    return {
      run,
      durationMs,
      cells: stepKeys.map((key) => {
        const step = byKey.get(key) ?? null;
        return { key, status: step?.status ?? null, step };
      }),
    };
  });
  return { stepKeys, columns, longestMs };
}

/** Upserts a run (a subscription event) into a newest-first list, keeping at most `limit`. */
export function upsertRun<R extends { id: string; createdAt: string }>(runs: R[], run: R, limit: number): R[] {
  const rest = runs.filter((r) => r.id !== run.id);
  const merged = [...rest, run].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  return merged.slice(0, limit);
}
