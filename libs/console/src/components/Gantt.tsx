import { useMemo, useState } from 'react';
import type { Run, Task, TaskStatus } from '../api/types';
import { formatClock, formatDuration } from '../logic/format';
import { ganttDomain, ganttRows, timeScale, visibleRows, type GanttRow, type Segment } from '../logic/gantt';
import { STATUS_GLYPHS, statusClass, statusWord } from '../logic/status';
import { StatusLegend } from './StatusBadge';
import { useWidth } from './use-width';

const ROW = 24;
const MAX_BODY = 560;
/** Steps with at most this many tasks open expanded; bigger ones start as one summary row. */
const AUTO_EXPAND = 40;
const LEGEND: TaskStatus[] = ['SUCCEEDED', 'FAILED', 'RUNNING', 'QUEUED', 'CANCELLED', 'SKIPPED'];

interface GanttProps {
  tasks: Task[];
  run: Pick<Run, 'startedAt' | 'finishedAt'>;
  stepOrder: string[];
  now: number;
  /** Tasks the API holds beyond what was loaded (the Gantt loads at most GANTT_LIMIT). */
  truncatedAt?: number | null;
}

function segmentTitle(task: Task, s: Segment): string {
  return [
    `${task.stepKey} #${task.shardIndex}${task.shardParam ? ` (${task.shardParam})` : ''}, attempt ${s.attempt}: ${statusWord(s.status)}`,
    `${formatClock(new Date(s.start).toISOString())} → ${s.open ? 'now' : formatClock(new Date(s.end).toISOString())} (${formatDuration(s.end - s.start)})`,
    s.workerId ? `worker ${s.workerId}` : null,
    s.error ? `error: ${s.error}` : null,
  ]
    .filter(Boolean)
    .join('\n');
}

/**
 * The run's timeline: a row per task (grouped under its step) with a bar per attempt, so
 * retries, fail-overs and the shards' parallelism show. Only the rows in view are drawn.
 */
export function Gantt({ tasks, run, stepOrder, now, truncatedAt }: GanttProps) {
  const [width, box] = useWidth<HTMLDivElement>(900);
  const [expanded, setExpanded] = useState<Record<string, boolean>>({});
  const [scrollTop, setScrollTop] = useState(0);

  const rows = useMemo(
    () => ganttRows(tasks, stepOrder, (key, count) => expanded[key] ?? count <= AUTO_EXPAND, now),
    [tasks, stepOrder, expanded, now],
  );
  const labelWidth = width < 640 ? 112 : 200;
  const plotWidth = Math.max(120, width - labelWidth - 12);
  const [start, end] = ganttDomain(rows, run, now);
  const scale = timeScale(start, end, plotWidth);
  const bodyHeight = Math.min(rows.length * ROW, MAX_BODY);
  const [first, last] = visibleRows(scrollTop, bodyHeight, ROW, rows.length);
  const running = !run.finishedAt;

  const toggle = (key: string, isOpen: boolean) => setExpanded((e) => ({ ...e, [key]: !isOpen }));

  if (!tasks.length) return <p className="empty">No task has been created yet.</p>;

  const bars = (row: GanttRow) => {
    if (row.kind === 'step') {
      if (row.start === null || row.end === null) return null;
      const x = scale.x(row.start);
      return (
        <rect
          x={x}
          y={6}
          width={Math.max(2, scale.x(row.end) - x)}
          height={ROW - 12}
          rx="3"
          className={`gantt__span ${statusClass(row.status)}`}
        >
          <title>{`${row.key}: ${statusWord(row.status)}, ${row.tasks} tasks, ${formatDuration(row.end - row.start)}`}</title>
        </rect>
      );
    }
    return row.segments.map((s) => {
      const x = scale.x(s.start);
      return (
        <rect
          key={s.attempt}
          x={x}
          y={5}
          width={Math.max(2, scale.x(s.end) - x)}
          height={ROW - 10}
          rx="2"
          className={`gantt__bar ${statusClass(s.status)} ${s.open ? 'is-open' : ''}`}
          data-attempt={s.attempt}
        >
          <title>{segmentTitle(row.task, s)}</title>
        </rect>
      );
    });
  };

  return (
    <div className="gantt" ref={box} data-testid="gantt">
      <div className="gantt__axis" style={{ paddingLeft: labelWidth }} aria-hidden="true">
        <svg width={plotWidth} height="22">
          {scale.ticks.map((t) => (
            <text
              key={t.t}
              x={Math.min(t.x, plotWidth - 2)}
              y="15"
              textAnchor={t.x > plotWidth - 30 ? 'end' : t.x < 10 ? 'start' : 'middle'}
            >
              {t.label}
            </text>
          ))}
        </svg>
      </div>
      <div
        className="gantt__body"
        style={{ height: bodyHeight }}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      >
        <div className="gantt__rows" style={{ height: rows.length * ROW }}>
          {rows.slice(first, last).map((row, i) => (
            <div
              key={`${row.kind}:${row.key}`}
              className={`gantt__row gantt__row--${row.kind}`}
              style={{ top: (first + i) * ROW, height: ROW }}
              data-testid={row.kind === 'step' ? 'gantt-step' : 'gantt-task'}
            >
              <div className="gantt__label" style={{ width: labelWidth }}>
                {row.kind === 'step' ? (
                  <button
                    type="button"
                    className="gantt__toggle"
                    aria-expanded={row.expanded}
                    onClick={() => toggle(row.key, row.expanded)}
                    title={`${row.expanded ? 'Hide' : 'Show'} the ${row.tasks} tasks of ${row.key}`}
                  >
                    <span aria-hidden="true">{row.expanded ? '▾' : '▸'}</span> {row.key}
                    <span className="gantt__count">{row.tasks}</span>
                    <span className="visually-hidden">{statusWord(row.status)}</span>
                  </button>
                ) : (
                  <span className="gantt__task" title={`${statusWord(row.task.status)}`}>
                    <span
                      className={`gantt__glyph ${statusClass(row.task.status)}`}
                      aria-label={statusWord(row.task.status)}
                    >
                      {STATUS_GLYPHS[row.task.status]}
                    </span>
                    #{row.task.shardIndex}
                    {row.task.shardParam ? ` ${row.task.shardParam}` : ''}
                  </span>
                )}
              </div>
              <svg width={plotWidth} height={ROW} className="gantt__plot">
                {scale.ticks.map((t) => (
                  <line key={t.t} x1={t.x} x2={t.x} y1="0" y2={ROW} className="gantt__grid" />
                ))}
                {running && <line x1={scale.x(now)} x2={scale.x(now)} y1="0" y2={ROW} className="gantt__now" />}
                {bars(row)}
              </svg>
            </div>
          ))}
        </div>
      </div>
      <div className="gantt__foot">
        <StatusLegend statuses={LEGEND} />
        {truncatedAt ? (
          <p className="note">Showing the first {truncatedAt.toLocaleString()} tasks of this run.</p>
        ) : null}
      </div>
    </div>
  );
}
