import type { Task, TaskStatus } from '../api/types';
import { aggregateStatus, isFinalTask } from './status';

/** Tick spacings a person reads easily, in ms. */
const NICE_STEPS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000,
  900_000, 1_800_000, 3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000, 172_800_000, 604_800_000,
];

export interface Tick {
  /** Epoch ms. */
  t: number;
  x: number;
  /** Offset from the start of the timeline: `+2 s`, `+1 min 30 s`. */
  label: string;
}

export interface TimeScale {
  start: number;
  end: number;
  width: number;
  /** Tick spacing, ms. */
  step: number;
  ticks: Tick[];
  x(t: number): number;
}

/** The smallest nice spacing that gives at most `maxTicks` intervals over `spanMs`. */
export function tickStep(spanMs: number, maxTicks: number): number {
  const wanted = spanMs / Math.max(1, maxTicks);
  return NICE_STEPS.find((s) => s >= wanted) ?? Math.ceil(wanted / 86_400_000) * 86_400_000;
}

/** `500 ms`, `1.5 s`, `2 min`, `1 h 30 min`: an offset labelled to the precision of its tick step. */
export function formatOffset(ms: number, step: number): string {
  if (ms === 0) return '0';
  if (step < 1000 && ms < 1000) return `${ms} ms`;
  if (ms < 60_000) {
    const s = ms / 1000;
    return `${Number.isInteger(s) ? s : s.toFixed(step < 100 ? 2 : 1)} s`;
  }
  if (ms < 3_600_000 || step < 60_000) {
    const m = Math.floor(ms / 60_000);
    const s = Math.round((ms % 60_000) / 1000);
    return s ? `${m} min ${s} s` : `${m} min`;
  }
  const h = Math.floor(ms / 3_600_000);
  const m = Math.round((ms % 3_600_000) / 60_000);
  return m ? `${h} h ${m} min` : `${h} h`;
}

/**
 * Maps [start, end] (epoch ms) onto [0, width] px, with ticks at least `minTickPx` apart,
 * counted from `start` so labels read as offsets into the run.
 */
export function timeScale(start: number, end: number, width: number, minTickPx = 80): TimeScale {
  const span = Math.max(end - start, 1);
  const safeWidth = Math.max(width, 1);
  const step = tickStep(span, Math.max(1, Math.floor(safeWidth / minTickPx)));
  const x = (t: number) => ((t - start) / span) * safeWidth;
  const ticks: Tick[] = [];
  for (let offset = 0; offset <= span + 1e-9; offset += step) {
    ticks.push({ t: start + offset, x: x(start + offset), label: formatOffset(offset, step) });
  }
  return { start, end: start + span, width: safeWidth, step, ticks, x };
}

export interface Segment {
  attempt: number;
  start: number;
  end: number;
  status: TaskStatus;
  workerId: string | null;
  error: string | null;
  /** Still running: `end` is now. */
  open: boolean;
}

const time = (iso: string | null) => (iso ? Date.parse(iso) : null);

// Loops, not Math.min(...xs): a spread of 100,000 shards would overflow the call stack.
function minOf(values: number[]): number | null {
  let min: number | null = null;
  for (const v of values) if (min === null || v < min) min = v;
  return min;
}

function maxOf(values: number[]): number | null {
  let max: number | null = null;
  for (const v of values) if (max === null || v > max) max = v;
  return max;
}

/** A task's attempts as bars; an attempt still running reaches to `now`. */
export function taskSegments(task: Task, now: number): Segment[] {
  const attempts = task.attempts.length
    ? [...task.attempts].sort((a, b) => a.number - b.number)
    : [
        {
          number: task.attempt,
          workerId: task.workerId,
          status: task.status,
          startedAt: task.startedAt,
          finishedAt: task.finishedAt,
          error: task.error,
        },
      ];
  const segments: Segment[] = [];
  for (const a of attempts) {
    const start = time(a.startedAt);
    if (start === null) continue;
    const finished = time(a.finishedAt);
    const open = finished === null && !isFinalTask(a.status);
    segments.push({
      attempt: a.number,
      start,
      end: finished ?? (open ? Math.max(now, start) : start),
      status: a.status,
      workerId: a.workerId,
      error: a.error,
      open,
    });
  }
  return segments;
}

export type GanttRow =
  | {
      kind: 'step';
      key: string;
      status: TaskStatus;
      tasks: number;
      start: number | null;
      end: number | null;
      expanded: boolean;
    }
  | { kind: 'task'; key: string; task: Task; segments: Segment[] };

/**
 * The Gantt's rows: per step (in DAG order) a summary row spanning its first start to its
 * last end, then — when that step is expanded — one row per task with its attempts.
 */
export function ganttRows(
  tasks: Task[],
  stepOrder: string[],
  isExpanded: (stepKey: string, taskCount: number) => boolean,
  now: number,
): GanttRow[] {
  const byStep = new Map<string, Task[]>();
  for (const task of tasks) {
    const list = byStep.get(task.stepKey);
    if (list) list.push(task);
    else byStep.set(task.stepKey, [task]);
  }
  const order = [...stepOrder, ...[...byStep.keys()].filter((k) => !stepOrder.includes(k))];
  const rows: GanttRow[] = [];
  for (const key of order) {
    const stepTasks = (byStep.get(key) ?? []).sort((a, b) => a.shardIndex - b.shardIndex);
    if (!stepTasks.length) continue;
    const taskRows = stepTasks.map((task) => ({ task, segments: taskSegments(task, now) }));
    const starts = taskRows.flatMap((r) => r.segments.map((s) => s.start));
    const ends = taskRows.flatMap((r) => r.segments.map((s) => s.end));
    const expanded = isExpanded(key, stepTasks.length);
    rows.push({
      kind: 'step',
      key,
      status: aggregateStatus(stepTasks.map((t) => t.status)),
      tasks: stepTasks.length,
      start: minOf(starts),
      end: maxOf(ends),
      expanded,
    });
    if (expanded) for (const r of taskRows) rows.push({ kind: 'task', key: r.task.id, ...r });
  }
  return rows;
}

/** The time span the Gantt draws: from the run's start (or first attempt) to its end (or now). */
export function ganttDomain(
  rows: GanttRow[],
  run: { startedAt: string | null; finishedAt: string | null },
  now: number,
): [number, number] {
  const starts: number[] = [];
  const ends: number[] = [];
  for (const r of rows) {
    if (r.kind === 'step' && r.start !== null && r.end !== null) {
      starts.push(r.start);
      ends.push(r.end);
    }
  }
  const first = minOf(starts);
  const last = maxOf(ends);
  const start = Math.min(time(run.startedAt) ?? first ?? now, first ?? Infinity);
  const end = Math.max(time(run.finishedAt) ?? now, last ?? -Infinity, start + 1);
  return [start, end];
}

/** Rows [first, last) to draw for a scroll position: the visible ones and a few either side. */
export function visibleRows(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  total: number,
  overscan = 8,
): [number, number] {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(total, Math.ceil((scrollTop + viewportHeight) / rowHeight) + overscan);
  return [first, Math.max(first, last)];
}
