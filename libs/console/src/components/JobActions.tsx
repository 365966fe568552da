import { useState } from 'react';
import { errorMessage, gql } from '../api/graphql';
import { BACKFILL_JOB, DELETE_JOB, PAUSE_JOB, RESUME_JOB, TRIGGER_JOB } from '../api/queries';
import type { JsonObject } from '../api/types';
import { shortId } from '../logic/format';
import { paths } from '../logic/routes';
import { Dialog } from './Dialog';
import { Link, navigate } from './router';
import { toasts } from './toasts';

export interface ActionJob {
  name: string;
  paused: boolean;
  schedule: string | null;
  params?: JsonObject | null;
}

interface JobActionsProps {
  job: ActionJob;
  /** After pause, resume or backfill: the caller reloads what it shows. */
  onChanged: () => void;
  /** The jobs list shows trigger and pause/resume only. */
  compact?: boolean;
}

type Open = 'trigger' | 'backfill' | 'delete' | null;

/** `YYYY-MM-DDTHH:mm` in UTC, for <input type="datetime-local"> read as UTC. */
function utcInput(date: Date): string {
  return date.toISOString().slice(0, 16);
}

/** Trigger (with params), pause/resume, backfill a window, edit, delete (confirmed). */
export function JobActions({ job, onChanged, compact }: JobActionsProps) {
  const [open, setOpen] = useState<Open>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [params, setParams] = useState('');
  const [from, setFrom] = useState(() => utcInput(new Date(Date.now() - 86_400_000)));
  const [to, setTo] = useState(() => utcInput(new Date()));

  const show = (which: Open) => {
    setError(null);
    setOpen(which);
  };

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      setOpen(null);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const trigger = () =>
    run(async () => {
      let given: unknown = null;
      if (params.trim()) {
        try {
          given = JSON.parse(params);
        } catch (err) {
          throw new Error(`params: not JSON (${errorMessage(err)})`);
        }
        if (typeof given !== 'object' || given === null || Array.isArray(given))
          throw new Error('params: must be a JSON object');
      }
      const { triggerJob } = await gql<{ triggerJob: { id: string } }>(TRIGGER_JOB, { name: job.name, params: given });
      toasts.show(`Run ${shortId(triggerJob.id)} of ${job.name} queued.`);
      navigate(paths.run(triggerJob.id));
    });

  const togglePause = async () => {
    setBusy(true);
    try {
      await gql(job.paused ? RESUME_JOB : PAUSE_JOB, { name: job.name });
      toasts.show(
        job.paused
          ? `${job.name} resumed: its schedule fires again.`
          : `${job.name} paused: its schedule stops firing.`,
      );
      onChanged();
    } catch (err) {
      toasts.show(errorMessage(err), { tone: 'error' });
    } finally {
      setBusy(false);
    }
  };

  const backfill = () =>
    run(async () => {
      const { backfillJob } = await gql<{ backfillJob: Array<{ id: string }> }>(BACKFILL_JOB, {
        name: job.name,
        from: new Date(`${from}:00Z`).toISOString(),
        to: new Date(`${to}:00Z`).toISOString(),
      });
      toasts.show(`Backfill of ${job.name} made ${backfillJob.length} run${backfillJob.length === 1 ? '' : 's'}.`);
      onChanged();
    });

  const remove = () =>
    run(async () => {
      await gql(DELETE_JOB, { name: job.name });
      toasts.show(`Job ${job.name} deleted. Its past runs stay in the history.`);
      navigate(paths.jobs());
    });

  return (
    <div className="actions" role="group" aria-label={`Actions for ${job.name}`}>
      <button type="button" className="button button--primary" onClick={() => show('trigger')}>
        Trigger
      </button>
      {/* Pausing stops schedule fires only: a job without a schedule has none to stop. */}
      {(job.schedule || job.paused) && (
        <button type="button" className="button" onClick={() => void togglePause()} disabled={busy}>
          {job.paused ? 'Resume' : 'Pause'}
        </button>
      )}
      {!compact && (
        <>
          {job.schedule && (
            <button type="button" className="button" onClick={() => show('backfill')}>
              Backfill
            </button>
          )}
          <Link to={paths.jobEdit(job.name)} className="button">
            Edit
          </Link>
          <button type="button" className="button button--danger-quiet" onClick={() => show('delete')}>
            Delete
          </button>
        </>
      )}

      <Dialog
        title={`Trigger ${job.name}`}
        open={open === 'trigger'}
        onClose={() => setOpen(null)}
        onSubmit={() => void trigger()}
        submitLabel="Trigger run"
        busy={busy}
        error={error}
      >
        <label className="field">
          <span className="field__label">Params (JSON object, optional)</span>
          <textarea
            className="input input--code"
            rows={6}
            value={params}
            onChange={(e) => setParams(e.target.value)}
            placeholder={job.params ? JSON.stringify(job.params, null, 2) : '{ "day": "2026-11-25" }'}
            spellCheck={false}
          />
          <span className="field__hint">Merged over the job’s params, key by key; each step’s own params win.</span>
        </label>
      </Dialog>

      <Dialog
        title={`Backfill ${job.name}`}
        open={open === 'backfill'}
        onClose={() => setOpen(null)}
        onSubmit={() => void backfill()}
        submitLabel="Make runs"
        busy={busy}
        error={error}
      >
        <p>One run for every time the schedule would have fired in this window.</p>
        <div className="field-row">
          <label className="field">
            <span className="field__label">From (UTC)</span>
            <input
              className="input"
              type="datetime-local"
              value={from}
              onChange={(e) => setFrom(e.target.value)}
              required
            />
          </label>
          <label className="field">
            <span className="field__label">To (UTC)</span>
            <input
              className="input"
              type="datetime-local"
              value={to}
              onChange={(e) => setTo(e.target.value)}
              required
            />
          </label>
        </div>
      </Dialog>

      <Dialog
        title={`Delete ${job.name}?`}
        open={open === 'delete'}
        onClose={() => setOpen(null)}
        onSubmit={() => void remove()}
        submitLabel="Delete job"
        submitTone="danger"
        busy={busy}
        error={error}
      >
        <p>
          The job stops firing and leaves the list. Its past runs stay in the history. A new job may take the name
          later.
        </p>
      </Dialog>
    </div>
  );
}
