import { lazy, Suspense } from 'react';
import { useCoalesced, useNow, useOnReconnect, useQuery, useSubscription } from '../api/hooks';
import { JOB_QUERY, JOB_RUNS, RUN_UPDATED } from '../api/queries';
import type { Job, RunSummary } from '../api/types';
import { DagGraph } from '../components/DagGraph';
import { JobActions } from '../components/JobActions';
import { Failure, Loading } from '../components/PageState';
import { Link } from '../components/router';
import { RunGrid } from '../components/RunGrid';
import { StatusBadge } from '../components/StatusBadge';
import { useTitle } from '../components/use-title';
import { describeCron } from '../logic/cron-words';
import { formatDuration, formatPercent, formatRelative, formatTime, shortId } from '../logic/format';
import { paths } from '../logic/routes';
import { upsertRun } from '../logic/run-grid';
import { isFinalRun } from '../logic/status';

// uPlot loads with the chart, below the fold, not with the console.
const DurationChart = lazy(() => import('../components/DurationChart'));

/** One job: its DAG, its run history as a grid, its statistics and a duration chart; live. */
export function JobPage({ name }: { name: string }) {
  useTitle(name);
  const { data, error, loading, refetch, setData } = useQuery<{ job: Job | null }>(JOB_QUERY, { name, runs: JOB_RUNS });
  const now = useNow(1000);
  const reload = useCoalesced(refetch, 2000);
  useOnReconnect(() => void refetch());

  useSubscription<{ runUpdated: RunSummary }>(RUN_UPDATED, { jobName: name }, ({ runUpdated: run }) => {
    setData((current) =>
      current?.job ? { job: { ...current.job, runs: upsertRun(current.job.runs, run, JOB_RUNS) } } : current,
    );
    // Statistics are the API's to compute: ask again when a run ends.
    if (isFinalRun(run.status)) reload();
  });

  if (error) return <Failure error={error} retry={() => void refetch()} />;
  if (loading && !data) return <Loading what={`job ${name}`} />;
  const job = data?.job;
  if (!job) {
    return (
      <div className="page">
        <h1>No job named “{name}”</h1>
        <p>
          It may have been deleted. <Link to={paths.jobs()}>All jobs</Link>
        </p>
      </div>
    );
  }

  const schedule = describeCron(job.schedule);
  const stats = job.stats;
  const active = job.runs.filter((r) => !isFinalRun(r.status)).length;

  return (
    <div className="page">
      <header className="page__header">
        <div>
          <p className="crumbs">
            <Link to={paths.jobs()}>Jobs</Link> /
          </p>
          <h1>
            {job.name} <span className="muted small">v{job.version}</span>
          </h1>
          {job.description && <p className="lead">{job.description}</p>}
        </div>
        <JobActions job={job} onChanged={() => void refetch()} />
      </header>

      <dl className="facts">
        <div>
          <dt>Schedule</dt>
          <dd>
            {schedule.words}
            {schedule.cron && (
              <div>
                <code className="nowrap">{schedule.cron}</code>
              </div>
            )}
          </dd>
        </div>
        <div>
          <dt>Time zone</dt>
          <dd>{job.timezone}</dd>
        </div>
        <div>
          <dt>Next fire</dt>
          <dd title={formatTime(job.nextFireAt)} data-testid="next-fire">
            {job.paused
              ? 'Paused'
              : job.nextFireAt
                ? `${formatRelative(job.nextFireAt, now)} (${formatTime(job.nextFireAt)})`
                : '—'}
          </dd>
        </div>
        <div>
          <dt>State</dt>
          <dd data-testid="job-state">
            {job.paused ? (
              <span className="pill pill--paused">Paused</span>
            ) : (
              <span className="pill pill--active">Active</span>
            )}
            {active > 0 && <span className="muted small"> {active} running</span>}
          </dd>
        </div>
        <div>
          <dt>Policies</dt>
          <dd className="small">
            concurrency {job.concurrencyPolicy.toLowerCase()}, misfire{' '}
            {job.misfirePolicy.toLowerCase().replace('_', ' ')}
            {job.maxActiveRuns !== null && `, at most ${job.maxActiveRuns} active`}
          </dd>
        </div>
        <div>
          <dt>Changed</dt>
          <dd>{formatTime(job.updatedAt)}</dd>
        </div>
      </dl>

      <section className="card">
        <h2>Steps</h2>
        <DagGraph steps={job.steps} label={`Steps of ${job.name}`} />
      </section>

      <section className="card">
        <h2>Statistics</h2>
        <dl className="stats" data-testid="job-stats">
          <div>
            <dt>Runs</dt>
            <dd>{stats.runs}</dd>
          </div>
          <div>
            <dt>Success rate</dt>
            <dd>{formatPercent(stats.successRate)}</dd>
          </div>
          <div>
            <dt>Succeeded / failed</dt>
            <dd>
              {stats.succeeded} / {stats.failed}
            </dd>
          </div>
          <div>
            <dt>Average</dt>
            <dd>{formatDuration(stats.avgDurationMs)}</dd>
          </div>
          <div>
            <dt>p95</dt>
            <dd>{formatDuration(stats.p95DurationMs)}</dd>
          </div>
          <div>
            <dt>Skipped fires</dt>
            <dd>{stats.skippedFires}</dd>
          </div>
        </dl>
        <h3>Duration of the last runs</h3>
        <Suspense fallback={<p className="loading">Loading the chart…</p>}>
          <DurationChart runs={job.runs} />
        </Suspense>
      </section>

      <section className="card">
        <h2>Run history</h2>
        <RunGrid runs={job.runs} stepKeys={job.steps.map((s) => s.key)} now={now} />
        <h3>Latest runs</h3>
        <div className="scroll-box">
          <table className="table" data-testid="job-runs">
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Status</th>
                <th scope="col">Trigger</th>
                <th scope="col">Scheduled for</th>
                <th scope="col">Started</th>
                <th scope="col">Took</th>
              </tr>
            </thead>
            <tbody>
              {job.runs.slice(0, 10).map((r) => (
                <tr key={r.id}>
                  <td>
                    <Link to={paths.run(r.id)} className="mono">
                      {shortId(r.id)}
                    </Link>
                  </td>
                  <td>
                    <StatusBadge status={r.status} />
                  </td>
                  <td>
                    {r.trigger.toLowerCase()}
                    {r.jobVersion !== job.version && <span className="muted small"> v{r.jobVersion}</span>}
                  </td>
                  <td>{formatTime(r.scheduledAt)}</td>
                  <td>{formatTime(r.startedAt)}</td>
                  <td className="num">
                    {r.startedAt
                      ? formatDuration((r.finishedAt ? Date.parse(r.finishedAt) : now) - Date.parse(r.startedAt))
                      : '—'}
                  </td>
                </tr>
              ))}
              {job.runs.length === 0 && (
                <tr>
                  <td colSpan={6} className="empty">
                    No runs yet.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
