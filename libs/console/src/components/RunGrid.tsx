import type { RunSummary, TaskStatus } from '../api/types';
import { formatDuration, formatTime, shortId } from '../logic/format';
import { paths } from '../logic/routes';
import { runGrid } from '../logic/run-grid';
import { STATUS_GLYPHS, statusClass, statusWord } from '../logic/status';
import { Link } from './router';
import { StatusLegend } from './StatusBadge';

const LEGEND: TaskStatus[] = ['SUCCEEDED', 'FAILED', 'RUNNING', 'QUEUED', 'PENDING', 'SKIPPED', 'CANCELLED'];

/** Runs × steps, oldest run on the left (Airflow's grid view); each cell opens that run. */
export function RunGrid({ runs, stepKeys, now }: { runs: RunSummary[]; stepKeys: string[]; now: number }) {
  const grid = runGrid(runs, stepKeys, now);
  if (!grid.columns.length) return <p className="empty">No runs yet.</p>;
  return (
    <>
      <div className="scroll-box">
        <table className="run-grid" data-testid="run-grid">
          <thead>
            <tr>
              <th scope="col" className="run-grid__corner">
                Run
              </th>
              {grid.columns.map((c) => {
                const share = c.durationMs !== null && grid.longestMs > 0 ? c.durationMs / grid.longestMs : 0;
                const label = `Run ${shortId(c.run.id)} (${c.run.trigger.toLowerCase()}, ${formatTime(c.run.createdAt)}): ${statusWord(c.run.status)}, ${formatDuration(c.durationMs)}`;
                return (
                  <th key={c.run.id} scope="col" className="run-grid__head">
                    <Link
                      to={paths.run(c.run.id)}
                      className={`run-grid__bar ${statusClass(c.run.status)}`}
                      aria-label={label}
                      title={label}
                    >
                      <span style={{ height: `${Math.max(12, share * 100)}%` }} />
                    </Link>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {grid.stepKeys.map((key, row) => (
              <tr key={key}>
                <th scope="row" className="run-grid__step">
                  {key}
                </th>
                {grid.columns.map((c) => {
                  const cell = c.cells[row];
                  if (!cell.status)
                    return <td key={c.run.id} className="run-grid__none" aria-label="not in this run" />;
                  const step = cell.step!;
                  const label = `Run ${shortId(c.run.id)}, step ${key}: ${statusWord(cell.status)} (${step.succeeded}/${step.shards} succeeded)`;
                  return (
                    <td key={c.run.id}>
                      <Link
                        to={`${paths.run(c.run.id)}?step=${encodeURIComponent(key)}`}
                        className={`run-grid__cell ${statusClass(cell.status)}`}
                        aria-label={label}
                        title={label}
                      >
                        {STATUS_GLYPHS[cell.status]}
                      </Link>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <StatusLegend statuses={LEGEND} />
    </>
  );
}
