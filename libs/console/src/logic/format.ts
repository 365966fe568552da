/** Durations and times as people read them; the console shows local times. */

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 0) ms = 0;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 10) return `${s.toFixed(2)} s`;
  if (s < 60) return `${s.toFixed(1)} s`;
  const totalSeconds = Math.round(s);
  const m = Math.floor(totalSeconds / 60);
  const sec = totalSeconds % 60;
  if (m < 60) return `${m} min ${String(sec).padStart(2, '0')} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${String(m % 60).padStart(2, '0')} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

export function durationBetween(from: string | null, to: string | null, now: number = Date.now()): number | null {
  if (!from) return null;
  const end = to ? Date.parse(to) : now;
  return end - Date.parse(from);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `2026-11-25 14:03:07` in the browser's time zone. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** `14:03:07.250`: for task times within one run. */
export function formatClock(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** `in 5 min`, `3 s ago`, `just now`. */
export function formatRelative(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return '—';
  const diff = Date.parse(iso) - now;
  const abs = Math.abs(diff);
  if (abs < 1000) return 'just now';
  const units: Array<[number, string]> = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  const [size, unit] = units.find(([size]) => abs >= size) ?? units[units.length - 1];
  const n = Math.floor(abs / size);
  return diff > 0 ? `in ${n} ${unit}` : `${n} ${unit} ago`;
}

export function formatPercent(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined) return '—';
  const p = fraction * 100;
  return `${p >= 99.95 || p === 0 ? p.toFixed(0) : p.toFixed(1)}%`;
}

/** The first characters of a run id: enough to tell runs apart on screen. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}

/** A JSON value on one line, cut to `max` characters. */
export function jsonPreview(value: unknown, max = 80): string {
  if (value === undefined || value === null) return '';
  const text = JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
