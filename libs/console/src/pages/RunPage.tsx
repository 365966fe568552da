import { useCallback, useEffect, useMemo, useState } from 'react';
import { errorMessage, gql } from '../api/graphql';
import { useCoalesced, useNow, useOnReconnect, useQuery, useSubscription } from '../api/hooks';
import { CANCEL_RUN, GANTT_LIMIT, GANTT_QUERY, RETRY_RUN, RUN_JOB_QUERY, RUN_QUERY, RUN_UPDATED } from '../api/queries';
import type { Run, RunSummary, Step, Task } from '../api/types';
import { DagGraph, type DagStep } from '../components/DagGraph';
import { Dialog } from '../components/Dialog';
import { Gantt } from '../components/Gantt';
import { Failure, Loading } from '../components/PageState';
import { Link, navigate, useSearchParam } from '../components/router';
import { StatusBadge } from '../components/StatusBadge';
import { TaskTable } from '../components/TaskTable';
import { toasts } from '../components/toasts';
import { useTitle } from '../components/use-title';
import { durationBetween, formatDuration, formatTime, shortId } from '../logic/format';
import { paths } from '../logic/routes';
import { isFinalRun, laterSnapshot, runProgress } from '../logic/status';

type JobShape = { job: { name: string; version: number; steps: Step[] } | null };

/**
 * The DAG to draw for a run: the job's steps as the API serves them now, with any step the
 * run has that the current version lacks (the run may use an older version).
 */
function runDag(run: RunSummary, job: JobShape['job']): DagStep[] {
  const current = job?.steps ?? [];
  const known = new Set(current.map((s) => s.key));
  const missing = run.steps
    .filter((s) => !known.has(s.key))
    .map((s) => ({ key: s.key, dependsOn: [], shards: s.shards }));
  const inRun = new Set(run.steps.map((s) => s.key));
  return [...current.filter((s) => inRun.has(s.key) || run.steps.length === 0), ...missing];
}

/** One run, live: the DAG coloured by step with shard progress, the tasks, the Gantt; cancel and retry. */
export function RunPage({ id }: { id: string }) {
  useTitle(`Run ${shortId(id)}`);
  const [view, setView] = useSearchParam('view');
  const [step, setStep] = useSearchParam('step');
  const [changes, setChanges] = useState(0);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);

  const runQuery = useQuery<{ run: Run | null }>(RUN_QUERY, { id });
  const run = runQuery.data?.run ?? null;
  const final = run ? isFinalRun(run.status) : false;
  const now = useNow(final ? 3_600_000 : 1000);

  // Live: every committed change to this run arrives here; no polling.
  const merge = useCallback(
    (update: RunSummary) => {
      runQuery.setData((current) =>
        current?.run ? { run: laterSnapshot(current.run, { ...current.run, ...update }) } : current,
      );
      setChanges((n) => n + 1);
    },
    [runQuery],
  );
  useSubscription<{ runUpdated: RunSummary }>(RUN_UPDATED, { id }, ({ runUpdated }) => merge(runUpdated));
  useOnReconnect(() => {
    void runQuery.refetch();
    setChanges((n) => n + 1);
  });

  const jobQuery = useQuery<JobShape>(RUN_JOB_QUERY, { name: run?.jobName ?? '' }, Boolean(run?.jobName));
  const dagSteps = useMemo(() => (run ? runDag(run, jobQuery.data?.job ?? null) : []), [run, jobQuery.data]);
  const stepOrder = useMemo(() => dagSteps.map((s) => s.key), [dagSteps]);

  const showGantt = view === 'gantt';
  const gantt = useQuery<{ run: { tasks: Task[] } | null }>(GANTT_QUERY, { id, limit: GANTT_LIMIT }, showGantt);
  const refreshGantt = useCoalesced(gantt.refetch, 1000);
  useEffect(() => {
    if (showGantt && changes > 0) refreshGantt();
  }, [changes, showGantt, refreshGantt]);

  if (runQuery.error) return <Failure error={runQuery.error} retry={() => void runQuery.refetch()} />;
  if (runQuery.loading && !run) return <Loading what="the run" />;
  if (!run) {
    return (
      <div className="page">
        <h1>No run “{id}”</h1>
        <p>
          <Link to={paths.jobs()}>All jobs</Link>
        </p>
      </div>
    );
  }

  const progress = runProgress(run.steps);
  const cancelling = !final && run.cancelRequestedAt !== null;

  const cancel = async () => {
    setBusy(true);
    setActionError(null);
    try {
      const { cancelRun } = await gql<{ cancelRun: RunSummary }>(CANCEL_RUN, { id: run.id });
      merge(cancelRun);
      setConfirmCancel(false);
      toasts.show(`Cancel of run ${shortId(run.id)} requested.`);
    } catch (err) {
      setActionError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const retry = async () => {
    setBusy(true);
    try {
      const { retryRun } = await gql<{ retryRun: { id: string } }>(RETRY_RUN, { id: run.id });
      toasts.show(`Retry ${shortId(retryRun.id)} of run ${shortId(run.id)} queued.`);
      navigate(paths.run(retryRun.id));
    } catch (err) {
      toasts.show(errorMessage(err), { tone: 'error' });
    } finally {
      setBusy(false);
    }
  };

  const tasks = gantt.data?.run?.tasks ?? [];

  return (
    <div className="page">
      <header className="page__header">
        <div>
          <p className="crumbs">
            <Link to={paths.jobs()}>Jobs</Link> / <Link to={paths.job(run.jobName)}>{run.jobName}</Link> /
          </p>
          <h1>
            Run <span className="mono">{shortId(run.id)}</span>{' '}
            <span data-testid="run-status">
              <StatusBadge status={run.status} />
            </span>
            {cancelling && <span className="pill pill--paused">Cancelling…</span>}
          </h1>
        </div>
        <div className="actions">
          {!final && (
            <button
              type="button"
              className="button button--danger"
              onClick={() => setConfirmCancel(true)}
              disabled={cancelling}
            >
              {cancelling ? 'Cancel requested' : 'Cancel run'}
            </button>
          )}
          {final && (
            <button type="button" className="button button--primary" onClick={() => void retry()} disabled={busy}>
              Retry run
            </button>
          )}
        </div>
      </header>

      <dl className="facts">
        <div>
          <dt>Job</dt>
          <dd>
            <Link to={paths.job(run.jobName)}>{run.jobName}</Link> v{run.jobVersion}
          </dd>
        </div>
        <div>
          <dt>Trigger</dt>
          <dd>
            {run.trigger.toLowerCase()}
            {run.retryOf && (
              <>
                {' '}
                of <Link to={paths.run(run.retryOf)}>{shortId(run.retryOf)}</Link>
              </>
            )}
          </dd>
        </div>
        <div>
          <dt>Scheduled for</dt>
          <dd>{formatTime(run.scheduledAt)}</dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>{formatTime(run.startedAt)}</dd>
        </div>
        <div>
          <dt>Finished</dt>
          <dd>{formatTime(run.finishedAt)}</dd>
        </div>
        <div>
          <dt>Took</dt>
          <dd data-testid="run-duration">{formatDuration(durationBetween(run.startedAt, run.finishedAt, now))}</dd>
        </div>
        <div>
          <dt>Tasks done</dt>
          <dd data-testid="run-progress">
            {progress.done}/{progress.total}
            {progress.failed > 0 && <span className="text-failed"> · {progress.failed} failed</span>}
          </dd>
        </div>
      </dl>

      {run.params && Object.keys(run.params).length > 0 && (
        <details className="card card--flat">
          <summary>Params</summary>
          <pre className="pre">{JSON.stringify(run.params, null, 2)}</pre>
        </details>
      )}

      <section className="card">
        <h2>Steps</h2>
        {jobQuery.data?.job && jobQuery.data.job.version !== run.jobVersion && (
          <p className="note">
            Drawn from the job’s version {jobQuery.data.job.version}; this run uses version {run.jobVersion}.
          </p>
        )}
        <DagGraph
          steps={dagSteps}
          runSteps={run.steps}
          selected={step}
          onSelect={(key) => setStep(step === key ? null : key)}
          label={`Steps of run ${shortId(run.id)}, live`}
        />
        <p className="muted small">Select a step to see only its tasks.</p>
      </section>

      <section className="card">
        <div className="tabs" role="tablist" aria-label="Run details">
          <button
            type="button"
            role="tab"
            id="tab-tasks"
            aria-selected={!showGantt}
            aria-controls="panel-tasks"
            className="tab"
            onClick={() => setView(null)}
          >
            Tasks
          </button>
          <button
            type="button"
            role="tab"
            id="tab-gantt"
            aria-selected={showGantt}
            aria-controls="panel-gantt"
            className="tab"
            onClick={() => setView('gantt')}
          >
            Timeline (Gantt)
          </button>
        </div>
        {showGantt ? (
          <div role="tabpanel" id="panel-gantt" aria-labelledby="tab-gantt">
            {gantt.error && <Failure error={gantt.error} retry={() => void gantt.refetch()} />}
            {gantt.loading && !gantt.data ? (
              <Loading what="the timeline" />
            ) : (
              <Gantt
                tasks={tasks}
                run={run}
                stepOrder={stepOrder}
                now={final && run.finishedAt ? Date.parse(run.finishedAt) : now}
                truncatedAt={tasks.length >= GANTT_LIMIT ? GANTT_LIMIT : null}
              />
            )}
          </div>
        ) : (
          <div role="tabpanel" id="panel-tasks" aria-labelledby="tab-tasks">
            <TaskTable runId={run.id} stepKeys={stepOrder} changes={changes} />
          </div>
        )}
      </section>

      <Dialog
        title={`Cancel run ${shortId(run.id)}?`}
        open={confirmCancel}
        onClose={() => setConfirmCancel(false)}
        onSubmit={() => void cancel()}
        submitLabel="Cancel run"
        submitTone="danger"
        busy={busy}
        error={actionError}
      >
        <p>
          Tasks not finished yet are cancelled; running handlers are told to stop. Finished tasks keep their results.
        </p>
      </Dialog>
    </div>
  );
}
