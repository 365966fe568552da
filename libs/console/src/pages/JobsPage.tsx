import { useEffect, useMemo, useRef } from 'react';
import { useCoalesced, useNow, useOnReconnect, useQuery, useSubscription } from '../api/hooks';
import { JOBS_QUERY, RUN_UPDATED_BRIEF } from '../api/queries';
import type { JobListItem, RunStatus } from '../api/types';
import { JobActions } from '../components/JobActions';
import { Failure, Loading } from '../components/PageState';
import { Link, useSearchParam } from '../components/router';
import { StatusBadge } from '../components/StatusBadge';
import { useTitle } from '../components/use-title';
import { describeCron } from '../logic/cron-words';
import { formatPercent, formatRelative, formatTime } from '../logic/format';
import { paths } from '../logic/routes';
import { isFinalRun } from '../logic/status';

interface BriefRun {
  id: string;
  jobName: string;
  status: RunStatus;
  createdAt: string;
}

/** Every job: schedule in words and cron, next fire, state, last run, success rate; search by name. */
export function JobsPage() {
  useTitle('Jobs');
  const [query, setQuery] = useSearchParam('q');
  const { data, error, loading, refetch, setData } = useQuery<{ jobs: JobListItem[] }>(JOBS_QUERY);
  const now = useNow(5000);
  // Statistics and next fires change when runs finish or fires happen: reload, at most every 2 s.
  const reload = useCoalesced(refetch, 2000);
  useOnReconnect(() => void refetch());

  const shown = useRef(data);
  useEffect(() => {
    shown.current = data;
  }, [data]);

  useSubscription<{ runUpdated: BriefRun }>(RUN_UPDATED_BRIEF, {}, ({ runUpdated: run }) => {
    const known = shown.current?.jobs.some((j) => j.runs[0]?.id === run.id) ?? false;
    setData(
      (current) =>
        current && {
          jobs: current.jobs.map((job) => {
            if (job.name !== run.jobName) return job;
            const last = job.runs[0];
            if (last && last.id !== run.id && Date.parse(last.createdAt) > Date.parse(run.createdAt)) return job;
            return { ...job, runs: [{ id: run.id, status: run.status, createdAt: run.createdAt }] };
          }),
        },
    );
    // A new run (a fire: the next fire moved) or a finished one (the success rate moved).
    if (!known || isFinalRun(run.status)) reload();
  });

  const jobs = useMemo(() => {
    const needle = (query ?? '').trim().toLowerCase();
    const all = [...(data?.jobs ?? [])].sort((a, b) => a.name.localeCompare(b.name));
    return needle ? all.filter((j) => j.name.toLowerCase().includes(needle)) : all;
  }, [data, query]);

  return (
    <div className="page">
      <header className="page__header">
        <h1>Jobs</h1>
        <div className="page__tools">
          <label className="search">
            <span className="visually-hidden">Search jobs by name</span>
            <input
              type="search"
              className="input"
              placeholder="Search by name"
              value={query ?? ''}
              onChange={(e) => setQuery(e.target.value || null)}
              data-testid="job-search"
            />
          </label>
          <Link to={paths.jobNew()} className="button button--primary">
            New job
          </Link>
        </div>
      </header>
      {error && <Failure error={error} retry={() => void refetch()} />}
      {loading && !data && <Loading what="jobs" />}
      {data && (
        <div className="scroll-box">
          <table className="table" data-testid="jobs-table">
            <thead>
              <tr>
                <th scope="col">Job</th>
                <th scope="col">Schedule</th>
                <th scope="col">Next fire</th>
                <th scope="col">State</th>
                <th scope="col">Last run</th>
                <th scope="col">Success</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((job) => {
                const schedule = describeCron(job.schedule);
                const last = job.runs[0];
                const shards = job.steps.reduce((n, s) => n + s.shards, 0);
                return (
                  <tr key={job.name} data-testid="job-row" data-job={job.name}>
                    <td className="jobs__name">
                      <Link to={paths.job(job.name)} className="strong">
                        {job.name}
                      </Link>
                      <div className="muted small">
                        {job.description ? `${job.description} · ` : ''}
                        {job.steps.length} step{job.steps.length === 1 ? '' : 's'}, {shards} task
                        {shards === 1 ? '' : 's'} · v{job.version}
                      </div>
                    </td>
                    <td>
                      <div>{schedule.words}</div>
                      {schedule.cron && (
                        <div className="muted small">
                          <code className="nowrap">{schedule.cron}</code> · {job.timezone}
                        </div>
                      )}
                    </td>
                    <td title={formatTime(job.nextFireAt)}>
                      {job.nextFireAt ? formatRelative(job.nextFireAt, now) : <span className="muted">—</span>}
                    </td>
                    <td>
                      {job.paused ? (
                        <span className="pill pill--paused">Paused</span>
                      ) : job.schedule ? (
                        <span className="pill pill--active">Scheduled</span>
                      ) : (
                        <span className="pill">Manual</span>
                      )}
                    </td>
                    <td className="nowrap">
                      {last ? (
                        <Link to={paths.run(last.id)} className="plain" title={formatTime(last.createdAt)}>
                          <StatusBadge status={last.status} />
                          <span className="muted small"> {formatRelative(last.createdAt, now)}</span>
                        </Link>
                      ) : (
                        <span className="muted">never</span>
                      )}
                    </td>
                    <td className="num">
                      {formatPercent(job.stats.successRate)}
                      <div className="muted small">
                        {job.stats.runs} run{job.stats.runs === 1 ? '' : 's'}
                      </div>
                    </td>
                    <td className="jobs__actions">
                      <JobActions job={job} onChanged={() => void refetch()} compact />
                    </td>
                  </tr>
                );
              })}
              {jobs.length === 0 && (
                <tr>
                  <td colSpan={7} className="empty">
                    {query ? `No job name contains “${query}”.` : 'No jobs yet. Create one with “New job”.'}
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
