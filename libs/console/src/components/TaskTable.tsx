import { Fragment, useEffect, useState } from 'react';
import { useCoalesced, useQuery } from '../api/hooks';
import { TASKS_PAGE_QUERY } from '../api/queries';
import type { Task, TaskStatus } from '../api/types';
import { durationBetween, formatClock, formatDuration, jsonPreview } from '../logic/format';
import { TASK_STATUSES, statusWord } from '../logic/status';
import { useSearchParam } from './router';
import { StatusBadge } from './StatusBadge';

const PAGE = 50;

interface TaskTableProps {
  runId: string;
  stepKeys: string[];
  /** Grows with every live event for the run: the page in view is fetched again (coalesced). */
  changes: number;
}

/** The run's tasks, filterable by step and status (kept in the address), a page at a time. */
export function TaskTable({ runId, stepKeys, changes }: TaskTableProps) {
  const [step, setStep] = useSearchParam('step');
  const [status, setStatus] = useSearchParam('status');
  const [pageText, setPage] = useSearchParam('page');
  const page = Math.max(1, Number(pageText) || 1);
  const [open, setOpen] = useState<string | null>(null);

  // One more than a page tells whether there is a next page, without counting.
  const { data, error, loading, refetch } = useQuery<{ run: { tasks: Task[] } | null }>(TASKS_PAGE_QUERY, {
    id: runId,
    stepKey: step,
    status,
    limit: PAGE + 1,
    offset: (page - 1) * PAGE,
  });
  const refresh = useCoalesced(refetch, 1000);
  useEffect(() => {
    if (changes > 0) refresh();
  }, [changes, refresh]);

  const tasks = data?.run?.tasks ?? [];
  const shown = tasks.slice(0, PAGE);
  const hasNext = tasks.length > PAGE;

  return (
    <section aria-label="Tasks" className="tasks">
      <div className="filters">
        <label>
          Step{' '}
          <select
            value={step ?? ''}
            onChange={(e) => {
              setPage(null);
              setStep(e.target.value || null);
            }}
            data-testid="filter-step"
          >
            <option value="">All steps</option>
            {stepKeys.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status{' '}
          <select
            value={status ?? ''}
            onChange={(e) => {
              setPage(null);
              setStatus(e.target.value || null);
            }}
            data-testid="filter-status"
          >
            <option value="">All statuses</option>
            {TASK_STATUSES.map((s: TaskStatus) => (
              <option key={s} value={s}>
                {statusWord(s)}
              </option>
            ))}
          </select>
        </label>
        {loading && <span className="muted">Loading…</span>}
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error.message}
        </p>
      )}
      <div className="scroll-box">
        <table className="table" data-testid="task-table">
          <thead>
            <tr>
              <th scope="col">
                <span className="visually-hidden">Details</span>
              </th>
              <th scope="col">Step</th>
              <th scope="col">Shard</th>
              <th scope="col">Param</th>
              <th scope="col">Status</th>
              <th scope="col">Attempt</th>
              <th scope="col">Worker</th>
              <th scope="col">Started</th>
              <th scope="col">Finished</th>
              <th scope="col">Took</th>
              <th scope="col">Error</th>
              <th scope="col">Output</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((t) => (
              <Fragment key={t.id}>
                <tr data-testid="task-row" data-status={t.status}>
                  <td>
                    <button
                      type="button"
                      className="icon-button"
                      aria-expanded={open === t.id}
                      aria-label={`Details of ${t.stepKey} shard ${t.shardIndex}`}
                      onClick={() => setOpen(open === t.id ? null : t.id)}
                    >
                      {open === t.id ? '▾' : '▸'}
                    </button>
                  </td>
                  <td>{t.stepKey}</td>
                  <td className="num">{t.shardIndex}</td>
                  <td>{t.shardParam ?? ''}</td>
                  <td>
                    <StatusBadge status={t.status} />
                  </td>
                  <td className="num">{t.attempt}</td>
                  <td className="mono">{t.workerId ?? ''}</td>
                  <td className="mono">{formatClock(t.startedAt)}</td>
                  <td className="mono">{formatClock(t.finishedAt)}</td>
                  <td className="num">{formatDuration(durationBetween(t.startedAt, t.finishedAt))}</td>
                  <td className="cell-error" title={t.error ?? undefined}>
                    {t.error ? jsonPreview(t.error, 60).replace(/^"|"$/g, '') : ''}
                  </td>
                  <td className="mono" title={t.output === undefined ? undefined : JSON.stringify(t.output)}>
                    {jsonPreview(t.output, 40)}
                  </td>
                </tr>
                {open === t.id && (
                  <tr className="task-details">
                    <td colSpan={12}>
                      <TaskDetails task={t} />
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
            {!loading && shown.length === 0 && (
              <tr>
                <td colSpan={12} className="empty">
                  No tasks{step || status ? ' match these filters' : ' yet'}.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <nav className="pager" aria-label="Task pages">
        <button
          type="button"
          className="button"
          disabled={page <= 1}
          onClick={() => setPage(page - 1 > 1 ? String(page - 1) : null)}
        >
          Previous
        </button>
        <span>Page {page}</span>
        <button type="button" className="button" disabled={!hasNext} onClick={() => setPage(String(page + 1))}>
          Next
        </button>
      </nav>
    </section>
  );
}

function TaskDetails({ task }: { task: Task }) {
  return (
    <div className="details">
      <h4>Attempts</h4>
      <table className="table table--compact">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Status</th>
            <th scope="col">Worker</th>
            <th scope="col">Started</th>
            <th scope="col">Finished</th>
            <th scope="col">Took</th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          {task.attempts.map((a) => (
            <tr key={a.number}>
              <td className="num">{a.number}</td>
              <td>
                <StatusBadge status={a.status} />
              </td>
              <td className="mono">{a.workerId ?? ''}</td>
              <td className="mono">{formatClock(a.startedAt)}</td>
              <td className="mono">{formatClock(a.finishedAt)}</td>
              <td className="num">{formatDuration(durationBetween(a.startedAt, a.finishedAt))}</td>
              <td className="cell-error">{a.error ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {task.error && (
        <>
          <h4>Error</h4>
          <pre className="pre">{task.error}</pre>
        </>
      )}
      <h4>Output</h4>
      <pre className="pre">
        {task.output === undefined || task.output === null ? 'null' : JSON.stringify(task.output, null, 2)}
      </pre>
      <p className="muted mono">task {task.id}</p>
    </div>
  );
}
