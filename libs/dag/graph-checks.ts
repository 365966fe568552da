/**
 * The graph semantics of a job's steps that a schema cannot express: unique
 * keys, dependencies that exist, shard parameters that match the shard count,
 * and no cycles. They read the raw input leniently (skipping values of the
 * wrong type, which zod reports) so that their problems can be ordered with
 * zod's and the first one in the document wins.
 */
import { LIMITS } from './job-definition';
import { isRecord } from './json-object';
import type { Problem } from './problems';

export interface StepEdges {
  key: string;
  dependsOn: string[];
}

function rawKey(step: unknown): string | null {
  return isRecord(step) && typeof step.key === 'string' ? step.key : null;
}

/** The shard count a raw step will get, or null when it is invalid (zod names that). */
function rawShards(step: Record<string, unknown>): number | null {
  const shards = step.shards;
  if (shards === undefined || shards === null) return 1;
  return typeof shards === 'number' && Number.isInteger(shards) && shards >= 1 && shards <= LIMITS.maxShards
    ? shards
    : null;
}

export function stepGraphProblems(rawSteps: unknown): Problem[] {
  if (!Array.isArray(rawSteps)) return [];
  const problems: Problem[] = [];
  const firstIndexOf = new Map<string, number>();
  rawSteps.forEach((step, i) => {
    const key = rawKey(step);
    if (key !== null && !firstIndexOf.has(key)) firstIndexOf.set(key, i);
  });

  rawSteps.forEach((step, i) => {
    if (!isRecord(step)) return;
    const key = rawKey(step);
    if (key !== null && firstIndexOf.get(key) !== i) {
      problems.push({ path: ['steps', i, 'key'], reason: `duplicate step key "${key}"` });
    }
    if (Array.isArray(step.dependsOn)) {
      const seen = new Set<string>();
      step.dependsOn.forEach((dep: unknown, j) => {
        if (typeof dep !== 'string') return;
        const at = { path: ['steps', i, 'dependsOn', j], field: `steps[${i}].dependsOn` };
        if (dep === key) problems.push({ ...at, reason: `step "${dep}" depends on itself` });
        else if (!firstIndexOf.has(dep)) problems.push({ ...at, reason: `unknown step "${dep}"` });
        else if (seen.has(dep)) problems.push({ ...at, reason: `step "${dep}" is named twice` });
        seen.add(dep);
      });
    }
    const shards = rawShards(step);
    if (Array.isArray(step.shardParams) && shards !== null && step.shardParams.length !== shards) {
      problems.push({
        path: ['steps', i, 'shardParams'],
        reason: `has ${step.shardParams.length} ${step.shardParams.length === 1 ? 'entry' : 'entries'} but shards is ${shards}`,
      });
    }
  });
  return problems;
}

/** Keys and dependencies of raw steps, for the cycle check once everything else about them is valid. */
export function rawStepEdges(rawSteps: unknown): StepEdges[] {
  if (!Array.isArray(rawSteps)) return [];
  return rawSteps.map((step: unknown) => ({
    key: rawKey(step) ?? '',
    dependsOn:
      isRecord(step) && Array.isArray(step.dependsOn)
        ? step.dependsOn.filter((d: unknown): d is string => typeof d === 'string')
        : [],
  }));
}

const MAX_CYCLE_SHOWN = 20;

function describeCycle(keys: string[]): string {
  const shown = keys.length <= MAX_CYCLE_SHOWN ? keys : [...keys.slice(0, MAX_CYCLE_SHOWN - 1), '…'];
  const suffix = keys.length <= MAX_CYCLE_SHOWN ? '' : ` (${keys.length} steps)`;
  return `cycle ${[...shown, keys[0]].join(' -> ')}${suffix}`;
}

/**
 * Finds a cycle along dependsOn edges (`a -> b`: a depends on b). The problem
 * names the cycle's step that comes first in the document and starts the
 * description there, so the same input always gives the same message.
 * Iterative, because a chain of 1000 steps would be a deep recursion.
 */
export function findCycle(steps: readonly StepEdges[]): Problem | null {
  const indexOf = new Map(steps.map((s, i) => [s.key, i]));
  const edges = steps.map((s) => s.dependsOn.map((d) => indexOf.get(d)).filter((j): j is number => j !== undefined));
  const WHITE = 0;
  const ON_PATH = 1;
  const DONE = 2;
  const color = new Array<number>(steps.length).fill(WHITE);

  for (let start = 0; start < steps.length; start++) {
    if (color[start] !== WHITE) continue;
    const path: number[] = [start];
    const nextEdge: number[] = [0];
    color[start] = ON_PATH;
    while (path.length > 0) {
      const node = path[path.length - 1];
      const e = nextEdge[nextEdge.length - 1]++;
      if (e >= edges[node].length) {
        color[node] = DONE;
        path.pop();
        nextEdge.pop();
        continue;
      }
      const next = edges[node][e];
      if (color[next] === ON_PATH) {
        const cycle = path.slice(path.indexOf(next));
        const lowest = Math.min(...cycle);
        const at = cycle.indexOf(lowest);
        const rotated = [...cycle.slice(at), ...cycle.slice(0, at)].map((i) => steps[i].key);
        return { path: ['steps', lowest, 'dependsOn'], reason: describeCycle(rotated) };
      }
      if (color[next] === WHITE) {
        color[next] = ON_PATH;
        path.push(next);
        nextEdge.push(0);
      }
    }
  }
  return null;
}
