import { useEffect, useState } from 'react';
import { ApiError, errorMessage, gql } from '../api/graphql';
import { CREATE_JOB, JOB_DEFINITION_QUERY, UPDATE_JOB } from '../api/queries';
import type { JobDefinition } from '../api/types';
import { Failure, Loading } from '../components/PageState';
import { Link, navigate } from '../components/router';
import { toasts } from '../components/toasts';
import { useTitle } from '../components/use-title';
import { CodeEditor } from '../editor/CodeEditor';
import type { EditorProblem } from '../editor/field-errors';
import {
  convertJobText,
  formatJobValue,
  jobToInput,
  locateField,
  NEW_JOB_TEMPLATE,
  parseFieldError,
  parseJobText,
  type DocumentFormat,
} from '../logic/job-document';
import { paths } from '../logic/routes';

const FORMAT_KEY = 'shardflow.editorFormat';

function preferredFormat(): DocumentFormat {
  try {
    return localStorage.getItem(FORMAT_KEY) === 'json' ? 'json' : 'yaml';
  } catch {
    return 'yaml';
  }
}

/** The API's refusal, placed on the fields it names. */
function problemsFrom(err: unknown, text: string): EditorProblem[] {
  if (!(err instanceof ApiError) || err.errors.length === 0) {
    return [{ field: '', message: errorMessage(err), from: null, to: null }];
  }
  return err.errors.map((e) => {
    const named = parseFieldError(e.message);
    const range = named.path.length ? locateField(text, named.path) : null;
    return { field: named.pathText, message: named.message, from: range?.from ?? null, to: range?.to ?? null };
  });
}

const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

/**
 * Create or edit a job as JSON or YAML. Saving sends the document to createJob/updateJob;
 * what the API refuses shows under the field it names.
 */
export default function JobEditorPage({ name }: { name: string | null }) {
  useTitle(name ? `Edit ${name}` : 'New job');
  const [format, setFormat] = useState<DocumentFormat>(preferredFormat);
  const [text, setText] = useState<string | null>(name ? null : NEW_JOB_TEMPLATE);
  const [version, setVersion] = useState<number | null>(null);
  const [loadError, setLoadError] = useState<Error | null>(null);
  const [problems, setProblems] = useState<EditorProblem[]>([]);
  const [saving, setSaving] = useState(false);
  const [focusAt, setFocusAt] = useState<{ offset: number; seq: number } | null>(null);

  useEffect(() => {
    if (!name) return;
    let live = true;
    gql<{ job: JobDefinition | null }>(JOB_DEFINITION_QUERY, { name })
      .then(({ job }) => {
        if (!live) return;
        if (!job) throw new Error(`No job named “${name}”.`);
        setVersion(job.version);
        setText(formatJobValue(jobToInput(job), format));
      })
      .catch((err: unknown) => live && setLoadError(err instanceof Error ? err : new Error(String(err))));
    return () => {
      live = false;
    };
    // Loaded once per job; the format is only the initial rendering.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [name]);

  const switchFormat = (next: DocumentFormat) => {
    if (next === format || text === null) return;
    const converted = convertJobText(text, format, next);
    if (converted === null) {
      setProblems([
        { field: '', message: `Fix the ${format.toUpperCase()} first: it does not parse.`, from: null, to: null },
      ]);
      return;
    }
    setProblems([]);
    setText(converted);
    setFormat(next);
    try {
      localStorage.setItem(FORMAT_KEY, next);
    } catch {
      // Only a preference.
    }
  };

  const save = async () => {
    if (text === null || saving) return;
    const parsed = parseJobText(text, format);
    if (!parsed.ok) {
      setProblems([
        { field: '', message: parsed.message, from: parsed.range?.from ?? null, to: parsed.range?.to ?? null },
      ]);
      return;
    }
    setSaving(true);
    try {
      const result = name
        ? (await gql<{ updateJob: { name: string; version: number } }>(UPDATE_JOB, { name, input: parsed.value }))
            .updateJob
        : (await gql<{ createJob: { name: string; version: number } }>(CREATE_JOB, { input: parsed.value })).createJob;
      setProblems([]);
      toasts.show(name ? `Saved ${result.name} as version ${result.version}.` : `Created ${result.name}.`);
      navigate(paths.job(result.name));
    } catch (err) {
      setProblems(problemsFrom(err, text));
    } finally {
      setSaving(false);
    }
  };

  if (loadError) return <Failure error={loadError} />;
  if (text === null) return <Loading what={`job ${name}`} />;

  return (
    <div className="page page--editor">
      <header className="page__header">
        <div>
          <p className="crumbs">
            <Link to={paths.jobs()}>Jobs</Link> /{' '}
            {name && (
              <>
                <Link to={paths.job(name)}>{name}</Link> /
              </>
            )}
          </p>
          <h1>{name ? `Edit ${name}` : 'New job'}</h1>
          {version !== null && (
            <p className="muted small">Saving makes version {version + 1}; runs already going keep theirs.</p>
          )}
        </div>
        <div className="actions">
          <div className="segmented" role="radiogroup" aria-label="Format">
            {(['yaml', 'json'] as const).map((f) => (
              <button
                key={f}
                type="button"
                role="radio"
                aria-checked={format === f}
                className={`segmented__option ${format === f ? 'is-on' : ''}`}
                onClick={() => switchFormat(f)}
              >
                {f.toUpperCase()}
              </button>
            ))}
          </div>
          <Link to={name ? paths.job(name) : paths.jobs()} className="button">
            Cancel
          </Link>
          <button
            type="button"
            className="button button--primary"
            onClick={() => void save()}
            disabled={saving}
            data-testid="save-job"
          >
            {saving ? 'Saving…' : name ? 'Save version' : 'Create job'}
          </button>
        </div>
      </header>

      {problems.length > 0 && (
        <div className="problems" role="alert" data-testid="editor-problems">
          <p>
            {problems.length === 1 ? 'The job was not saved:' : `The job was not saved (${problems.length} problems):`}
          </p>
          <ul>
            {problems.map((p, i) => (
              <li key={i}>
                {p.from !== null ? (
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => setFocusAt({ offset: p.from!, seq: Date.now() })}
                  >
                    line {lineOf(text, p.from)}
                  </button>
                ) : null}{' '}
                {p.field && <code>{p.field}</code>} {p.message}
              </li>
            ))}
          </ul>
        </div>
      )}

      <CodeEditor
        value={text}
        format={format}
        onChange={setText}
        onSave={() => void save()}
        problems={problems}
        focusAt={focusAt}
        label={`Job definition (${format.toUpperCase()})`}
      />
      <p className="muted small">
        The fields are those of <code>JobInput</code> in the GraphQL schema (see the{' '}
        <Link to={paths.explorer()}>explorer</Link>’s docs). Ctrl+S saves.
      </p>
    </div>
  );
}
