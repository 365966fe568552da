/**
 * Readers for a task's `params`. Each failure names the field (`params.ms`), because
 * the user who wrote the step has to find and fix it.
 */
import { HandlerError } from './handler';

type Params = Record<string, unknown>;

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  return json === undefined ? typeof value : json.length > 60 ? `${json.slice(0, 60)}…` : json;
}

export function optionalString(params: Params, key: string): string | undefined {
  const value = params[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new HandlerError(`params.${key} must be a string (got ${describe(value)})`);
  }
  return value;
}

export function requiredString(params: Params, key: string): string {
  const value = optionalString(params, key);
  if (value === undefined || value.trim() === '') {
    throw new HandlerError(`params.${key} is required (a non-empty string)`);
  }
  return value;
}

/** A finite number in [0, max]; undefined when absent. */
export function optionalNonNegative(params: Params, key: string, max: number): number | undefined {
  const value = params[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new HandlerError(`params.${key} must be a non-negative number (got ${describe(value)})`);
  }
  if (value > max) throw new HandlerError(`params.${key} must be at most ${max} (got ${value})`);
  return value;
}

export function requiredNonNegative(params: Params, key: string, max: number): number {
  const value = optionalNonNegative(params, key, max);
  if (value === undefined) throw new HandlerError(`params.${key} is required (a non-negative number)`);
  return value;
}

/**
 * An object of string values. With `coerce`, numbers and booleans become strings too
 * (environment variables are strings anyway, and `{ "RETRIES": 3 }` is what people write).
 */
export function optionalStringRecord(params: Params, key: string, coerce: boolean): Record<string, string> | undefined {
  const value = params[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new HandlerError(`params.${key} must be an object of strings (got ${describe(value)})`);
  }
  const out: Record<string, string> = {};
  for (const [name, item] of Object.entries(value)) {
    if (typeof item === 'string') out[name] = item;
    else if (coerce && (typeof item === 'number' || typeof item === 'boolean')) out[name] = String(item);
    else throw new HandlerError(`params.${key}.${name} must be a string (got ${describe(item)})`);
  }
  return out;
}
