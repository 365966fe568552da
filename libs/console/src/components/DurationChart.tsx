import { useEffect, useMemo, useRef } from 'react';
import uPlot, { type AlignedData, type Options } from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { RunSummary } from '../api/types';
import { formatDuration, formatTime, shortId } from '../logic/format';
import { useWidth } from './use-width';

const SERIES = [
  { label: 'Succeeded', status: 'SUCCEEDED', color: '#1a7f37' },
  { label: 'Failed', status: 'FAILED', color: '#cf222e' },
  { label: 'Cancelled', status: 'CANCELLED', color: '#6e7781' },
] as const;

/** At most this many x labels, evenly spread over the runs. */
const MAX_LABELS = 8;

/**
 * Durations of the last finished runs (uPlot): one bar per run in the order they started,
 * a series (and colour, and legend word) per end state.
 */
export default function DurationChart({ runs }: { runs: RunSummary[] }) {
  const [width, box] = useWidth<HTMLDivElement>(600);
  const target = useRef<HTMLDivElement>(null);
  const finished = useMemo(
    () =>
      runs
        .filter((r) => r.startedAt && r.finishedAt)
        .sort((a, b) => Date.parse(a.startedAt!) - Date.parse(b.startedAt!)),
    [runs],
  );

  useEffect(() => {
    if (!target.current || finished.length === 0) return;
    const n = finished.length;
    const data: AlignedData = [
      finished.map((_, i) => i + 1),
      ...SERIES.map((s) =>
        finished.map((r) =>
          r.status === s.status ? (Date.parse(r.finishedAt!) - Date.parse(r.startedAt!)) / 1000 : null,
        ),
      ),
    ];
    const runAt = (x: number) => finished[Math.round(x) - 1];
    const every = Math.max(1, Math.ceil(n / MAX_LABELS));
    const options: Options = {
      width: Math.max(240, width),
      height: 200,
      scales: {
        x: { time: false, range: [0.5, n + 0.5] },
        y: { range: (_u, _min, max) => [0, Math.max(max * 1.1, 0.001)] },
      },
      axes: [
        {
          stroke: '#57606a',
          grid: { show: false },
          splits: () => finished.map((_, i) => i + 1).filter((x) => (n - x) % every === 0),
          values: (_u, splits) => splits.map((x) => formatTime(runAt(x)?.startedAt).slice(5, 16)),
        },
        {
          stroke: '#57606a',
          grid: { stroke: '#eaeef2' },
          values: (_u, ticks) => ticks.map((t) => formatDuration(t * 1000)),
          size: 72,
        },
      ],
      series: [
        {
          label: 'Run',
          value: (_u, x) => (runAt(x) ? `${shortId(runAt(x).id)} ${formatTime(runAt(x).startedAt)}` : '—'),
        },
        ...SERIES.map((s) => ({
          label: s.label,
          stroke: s.color,
          fill: `${s.color}cc`,
          paths: uPlot.paths.bars!({ size: [0.7, 36] }),
          points: { show: false },
          value: (_u: uPlot, v: number | null) => (v === null ? '—' : formatDuration(v * 1000)),
        })),
      ],
      cursor: { points: { show: false } },
    };
    const chart = new uPlot(options, data, target.current);
    return () => chart.destroy();
  }, [finished, width]);

  if (finished.length === 0) return <p className="empty">No finished runs yet.</p>;
  return (
    <div ref={box} className="chart-box" data-testid="duration-chart">
      <div ref={target} role="img" aria-label={`Durations of the last ${finished.length} finished runs`} />
    </div>
  );
}
