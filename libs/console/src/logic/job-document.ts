import { isMap, isScalar, isSeq, parseDocument, stringify } from 'yaml';
import type { JobDefinition, Json, JsonObject, Step } from '../api/types';

/** The editor holds a JobInput as JSON or YAML text; the API receives the parsed value. */
export type DocumentFormat = 'json' | 'yaml';

export type PathSegment = string | number;

export interface TextRange {
  from: number;
  to: number;
}

export type ParseResult = { ok: true; value: Json } | { ok: false; message: string; range: TextRange | null };

export function parseJobText(text: string, format: DocumentFormat): ParseResult {
  if (format === 'json') {
    try {
      return { ok: true, value: JSON.parse(text) as Json };
    } catch (err) {
      const message = (err as Error).message;
      const at = /position (\d+)/.exec(message);
      const from = at ? Math.min(Number(at[1]), text.length) : null;
      return { ok: false, message, range: from === null ? null : { from, to: Math.min(from + 1, text.length) } };
    }
  }
  const doc = parseDocument(text, { prettyErrors: false });
  const error = doc.errors[0];
  if (error) return { ok: false, message: error.message, range: { from: error.pos[0], to: error.pos[1] } };
  return { ok: true, value: (doc.toJS() ?? null) as Json };
}

export function formatJobValue(value: Json, format: DocumentFormat): string {
  return format === 'json' ? `${JSON.stringify(value, null, 2)}\n` : stringify(value, { lineWidth: 0 });
}

/** Converts the text to the other format; null when it does not parse (then it stays as it is). */
export function convertJobText(text: string, from: DocumentFormat, to: DocumentFormat): string | null {
  if (from === to) return text;
  const parsed = parseJobText(text, from);
  return parsed.ok ? formatJobValue(parsed.value, to) : null;
}

const STEP_DEFAULTS: Partial<Record<keyof Step, Json>> = {
  shards: 1,
  queue: 'default',
  retries: 0,
  retryBackoffMs: 1000,
  triggerRule: 'ALL_SUCCESS',
};

/** A job as the JobInput that makes it again: only what differs from the defaults, so it reads short. */
export function jobToInput(job: JobDefinition): JsonObject {
  const input: JsonObject = { name: job.name };
  if (job.description) input.description = job.description;
  if (job.schedule) input.schedule = job.schedule;
  if (job.timezone && job.timezone !== 'UTC') input.timezone = job.timezone;
  if (job.params && Object.keys(job.params).length) input.params = job.params;
  if (job.concurrencyPolicy !== 'ALLOW') input.concurrencyPolicy = job.concurrencyPolicy;
  if (job.misfirePolicy !== 'FIRE_ONCE') input.misfirePolicy = job.misfirePolicy;
  if (job.maxActiveRuns !== null) input.maxActiveRuns = job.maxActiveRuns;
  // Kept explicit: an edit must not resume a paused job by leaving the flag out.
  if (job.paused) input.paused = true;
  input.steps = job.steps.map((step) => {
    const out: JsonObject = { key: step.key, handler: step.handler };
    if (step.dependsOn.length) out.dependsOn = step.dependsOn;
    for (const [field, value] of Object.entries(step) as Array<[keyof Step, Json]>) {
      if (field === 'key' || field === 'handler' || field === 'dependsOn') continue;
      if (value === null || value === undefined) continue;
      if (field in STEP_DEFAULTS && STEP_DEFAULTS[field] === value) continue;
      out[field] = value;
    }
    return out;
  });
  return input;
}

export const NEW_JOB_TEMPLATE = `# A job is a DAG of steps; a step may be sharded into parallel tasks.
name: my-job
description: What this job does
# schedule: "0 2 * * *"     # cron: 5 fields, or 6 with seconds first; leave out to run only on demand
# timezone: Europe/Berlin   # IANA name; default UTC
params:
  day: today
steps:
  - key: extract
    handler: sleep
    params: { ms: 500 }
    shards: 3
    shardParams: [north, south, west]
  - key: load
    handler: noop
    dependsOn: [extract]
`;

export interface FieldError {
  /** As the API wrote it: `steps[2].dependsOn`; empty when the message names no field. */
  pathText: string;
  path: PathSegment[];
  message: string;
}

export function parsePath(text: string): PathSegment[] {
  const path: PathSegment[] = [];
  for (const match of text.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    path.push(match[2] !== undefined ? Number(match[2]) : match[1]);
  }
  return path;
}

function joinPath(path: PathSegment[]): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/**
 * The field an API error names. The scheduler's own checks say `steps[2].dependsOn: unknown
 * step "lod"`; GraphQL's type checks of the `$input` variable say `… at "input.steps[0].shards";
 * Int cannot represent …` or `Field "handler" of required type "String!" was not provided`.
 */
export function parseFieldError(message: string): FieldError {
  const own = /^([A-Za-z_$][\w$]*(?:\[\d+\]|\.[A-Za-z_$][\w$]*)*): ([\s\S]+)$/.exec(message);
  if (own && !message.startsWith('Variable ')) {
    return { pathText: own[1], path: parsePath(own[1]), message: own[2] };
  }
  if (message.startsWith('Variable "$input"')) {
    const at = /at "input\.([^"]+)"/.exec(message);
    const field = /Field "([^"]+)"/.exec(message);
    const path = [...(at ? parsePath(at[1]) : []), ...(field ? [field[1]] : [])];
    const reason = message.includes('; ') ? message.slice(message.indexOf('; ') + 2) : message;
    return { pathText: joinPath(path), path, message: reason };
  }
  return { pathText: '', path: [], message };
}

type YamlNode = ReturnType<typeof parseDocument>['contents'];

function rangeOf(node: unknown): TextRange | null {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range ? { from: range[0], to: range[1] } : null;
}

/**
 * Where a field is in the text (JSON is YAML, so one parser serves both): its key, or the
 * item for an array index. When the path goes deeper than the text (a missing field), the
 * deepest part that exists.
 */
export function locateField(text: string, path: PathSegment[]): TextRange | null {
  const doc = parseDocument(text);
  let node: YamlNode | unknown = doc.contents;
  let found: TextRange | null = rangeOf(node);
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      found = rangeOf(pair.key) ?? found;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number' && node.items[segment]) {
      node = node.items[segment];
      found = rangeOf(node) ?? found;
    } else {
      break;
    }
  }
  return found;
}
