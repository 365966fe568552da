import type { JsonObject } from './job-definition';
import { LIMITS } from './job-definition';

export type JsonObjectCheck = { ok: true; value: JsonObject } | { ok: false; reason: string };

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isJsonObject(value: unknown): value is JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  // GraphQL's JSON scalar may hand over null-prototype objects; class instances (Date, Map…) are not JSON objects.
  return proto === Object.prototype || proto === null;
}

/**
 * Checks a params value and returns a detached, JSON-only copy of it: what is
 * stored must be exactly what a later JSON round trip through PostgreSQL and
 * the bus gives back, so `undefined` members and the like are dropped here.
 */
export function checkJsonObject(value: unknown, maxBytes: number = LIMITS.maxParamsBytes): JsonObjectCheck {
  if (!isJsonObject(value)) return { ok: false, reason: 'must be a JSON object' };
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch {
    return { ok: false, reason: 'must be serialisable as JSON' };
  }
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) return { ok: false, reason: `is ${bytes} bytes, at most ${maxBytes}` };
  const copy: unknown = JSON.parse(text);
  return isJsonObject(copy) ? { ok: true, value: copy } : { ok: false, reason: 'must be a JSON object' };
}
