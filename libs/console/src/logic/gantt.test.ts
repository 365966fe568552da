import { describe, expect, it } from 'vitest';
import type { Task } from '../api/types';
import { formatOffset, ganttDomain, ganttRows, taskSegments, tickStep, timeScale, visibleRows } from './gantt';

const T0 = Date.parse('2026-11-25T10:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

function task(over: Partial<Task> = {}): Task {
  return {
    id: `t${over.shardIndex ?? 0}-${over.stepKey ?? 'a'}`,
    stepKey: 'a',
    shardIndex: 0,
    shardParam: null,
    status: 'SUCCEEDED',
    attempt: 1,
    workerId: 'w1',
    startedAt: at(0),
    finishedAt: at(1000),
    error: null,
    attempts: [],
    ...over,
  };
}

describe('time scale', () => {
  it('maps the domain linearly onto the width', () => {
    const s = timeScale(T0, T0 + 10_000, 1000);
    expect(s.x(T0)).toBe(0);
    expect(s.x(T0 + 5000)).toBe(500);
    expect(s.x(T0 + 10_000)).toBe(1000);
  });

  it('picks nice tick steps no closer than the minimum spacing', () => {
    expect(tickStep(10_000, 10)).toBe(1000);
    expect(tickStep(10_000, 4)).toBe(5000);
    expect(tickStep(95_000, 6)).toBe(30_000);
    expect(tickStep(3 * 3_600_000, 5)).toBe(3_600_000);
    const s = timeScale(T0, T0 + 10_000, 800, 80);
    expect(s.step).toBe(1000);
    expect(s.ticks.map((t) => t.label)).toEqual([
      '0',
      '1 s',
      '2 s',
      '3 s',
      '4 s',
      '5 s',
      '6 s',
      '7 s',
      '8 s',
      '9 s',
      '10 s',
    ]);
    for (let i = 1; i < s.ticks.length; i++) expect(s.ticks[i].x - s.ticks[i - 1].x).toBeGreaterThanOrEqual(80);
  });

  it('keeps a zero-length domain drawable', () => {
    const s = timeScale(T0, T0, 300);
    expect(Number.isFinite(s.x(T0 + 1))).toBe(true);
    expect(s.end).toBeGreaterThan(s.start);
  });

  it('labels offsets to the precision of the step', () => {
    expect(formatOffset(500, 100)).toBe('500 ms');
    expect(formatOffset(1500, 500)).toBe('1.5 s');
    expect(formatOffset(90_000, 30_000)).toBe('1 min 30 s');
    expect(formatOffset(120_000, 60_000)).toBe('2 min');
    expect(formatOffset(5_400_000, 1_800_000)).toBe('1 h 30 min');
  });
});

describe('task segments', () => {
  it('draws one bar per attempt, a running one up to now', () => {
    const t = task({
      status: 'RUNNING',
      attempt: 2,
      attempts: [
        { number: 2, workerId: 'w2', status: 'RUNNING', startedAt: at(3000), finishedAt: null, error: null },
        { number: 1, workerId: 'w1', status: 'FAILED', startedAt: at(0), finishedAt: at(1000), error: 'boom' },
      ],
    });
    const segments = taskSegments(t, T0 + 5000);
    expect(segments.map((s) => [s.attempt, s.start - T0, s.end - T0, s.status, s.open])).toEqual([
      [1, 0, 1000, 'FAILED', false],
      [2, 3000, 5000, 'RUNNING', true],
    ]);
  });

  it('uses the task itself when attempts were not loaded, and skips attempts never started', () => {
    expect(taskSegments(task(), T0)).toHaveLength(1);
    expect(taskSegments(task({ startedAt: null, finishedAt: null, status: 'QUEUED' }), T0)).toEqual([]);
  });
});

describe('gantt rows', () => {
  const tasks = [
    task({ stepKey: 'load', shardIndex: 0, startedAt: at(4000), finishedAt: at(5000) }),
    task({ stepKey: 'extract', shardIndex: 1, startedAt: at(500), finishedAt: at(3000) }),
    task({ stepKey: 'extract', shardIndex: 0, startedAt: at(0), finishedAt: at(2000), status: 'FAILED' }),
  ];

  it('groups tasks under their step in DAG order, shards in order, with the step span', () => {
    const rows = ganttRows(tasks, ['extract', 'load'], () => true, T0);
    expect(rows.map((r) => (r.kind === 'step' ? `step:${r.key}` : `task:${r.task.shardIndex}`))).toEqual([
      'step:extract',
      'task:0',
      'task:1',
      'step:load',
      'task:0',
    ]);
    const extract = rows[0];
    expect(extract.kind === 'step' && [extract.start! - T0, extract.end! - T0, extract.status]).toEqual([
      0,
      3000,
      'FAILED',
    ]);
  });

  it('leaves collapsed steps as one summary row', () => {
    const rows = ganttRows(tasks, ['extract', 'load'], (key) => key === 'load', T0);
    expect(rows.map((r) => r.kind)).toEqual(['step', 'step', 'task']);
  });

  it('spans the run from its start to its end, or to now while it runs', () => {
    const rows = ganttRows(tasks, ['extract', 'load'], () => false, T0);
    expect(ganttDomain(rows, { startedAt: at(-200), finishedAt: at(5100) }, T0 + 99_000).map((t) => t - T0)).toEqual([
      -200, 5100,
    ]);
    expect(ganttDomain(rows, { startedAt: at(0), finishedAt: null }, T0 + 9000).map((t) => t - T0)).toEqual([0, 9000]);
  });

  it('handles a 100,000-task step without blowing the stack', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => task({ shardIndex: i, id: `x${i}` }));
    const rows = ganttRows(many, ['a'], () => false, T0);
    expect(rows).toHaveLength(1);
    expect(rows[0].kind === 'step' && rows[0].tasks).toBe(100_000);
  });
});

describe('virtual rows', () => {
  it('draws only what is in view, plus an overscan', () => {
    expect(visibleRows(0, 200, 20, 2000, 5)).toEqual([0, 15]);
    expect(visibleRows(1000, 200, 20, 2000, 5)).toEqual([45, 65]);
    expect(visibleRows(39_900, 200, 20, 2000, 5)).toEqual([1990, 2000]);
    expect(visibleRows(0, 200, 20, 0, 5)).toEqual([0, 0]);
  });
});
