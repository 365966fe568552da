import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunStep, RunSummary, Task } from '../api/types';
import { DagGraph } from './DagGraph';
import { Gantt } from './Gantt';
import { RunGrid } from './RunGrid';
import { StatusBadge } from './StatusBadge';

afterEach(cleanup);

const T0 = Date.parse('2026-11-25T10:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

function task(stepKey: string, shardIndex: number, over: Partial<Task> = {}): Task {
  return {
    id: `${stepKey}-${shardIndex}`,
    stepKey,
    shardIndex,
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

const step = (key: string, over: Partial<RunStep> = {}): RunStep => ({
  key,
  status: 'SUCCEEDED',
  shards: 1,
  succeeded: 1,
  failed: 0,
  skipped: 0,
  cancelled: 0,
  ...over,
});

describe('StatusBadge', () => {
  it('says the status in words, with a glyph, not by colour alone', () => {
    render(<StatusBadge status="FAILED" />);
    const badge = screen.getByText('Failed');
    expect(badge.getAttribute('data-status')).toBe('FAILED');
    expect(badge.className).toContain('status--failed');
    expect(badge.textContent).toBe('✕Failed');
  });
});

describe('DagGraph', () => {
  const steps = [
    {
      key: 'extract',
      dependsOn: [],
      handler: 'sleep',
      shards: 8,
      triggerRule: 'ALL_SUCCESS' as const,
      queue: 'default',
    },
    { key: 'load', dependsOn: ['extract'], handler: 'noop', shards: 1, triggerRule: 'ALL_DONE' as const, queue: 'db' },
  ];

  it('draws each step with its handler, shards, trigger rule and queue, and an edge per dependency', () => {
    const { container } = render(<DagGraph steps={steps} label="Steps" />);
    expect(screen.getByLabelText('extract: sleep, 8 shards')).toBeTruthy();
    expect(screen.getByLabelText('load: noop, 1 shard, trigger: all done, queue: db')).toBeTruthy();
    expect(container.querySelectorAll('.dag__edge')).toHaveLength(1);
    // Upstream to the left of downstream.
    const x = (key: string) =>
      Number(
        /translate\(([\d.]+)/.exec(container.querySelector(`[data-step="${key}"]`)!.getAttribute('transform')!)![1],
      );
    expect(x('extract')).toBeLessThan(x('load'));
  });

  it('colours a run’s steps and shows succeeded/total; Enter selects a step', () => {
    const onSelect = vi.fn();
    const runSteps = [
      step('extract', { status: 'RUNNING', shards: 8, succeeded: 5, failed: 1 }),
      step('load', { status: 'PENDING', succeeded: 0 }),
    ];
    const { container } = render(<DagGraph steps={steps} runSteps={runSteps} onSelect={onSelect} label="Run" />);
    const extract = container.querySelector('[data-step="extract"]')!;
    expect(extract.getAttribute('data-status')).toBe('RUNNING');
    expect(extract.querySelector('[data-testid="step-progress"]')!.textContent).toBe('5/8');
    expect(extract.getAttribute('aria-label')).toBe('extract: Running, 5/8 succeeded, 1 failed');
    expect(extract.textContent).toContain('Running');
    fireEvent.keyDown(extract, { key: 'Enter' });
    expect(onSelect).toHaveBeenCalledWith('extract');
  });
});

describe('Gantt', () => {
  const run = { startedAt: at(0), finishedAt: at(4000) };

  it('places each attempt on the time scale and folds big steps', () => {
    const tasks = [
      task('a', 0, {
        status: 'SUCCEEDED',
        attempt: 2,
        attempts: [
          { number: 1, workerId: 'w1', status: 'FAILED', startedAt: at(0), finishedAt: at(1000), error: 'boom' },
          { number: 2, workerId: 'w2', status: 'SUCCEEDED', startedAt: at(2000), finishedAt: at(4000), error: null },
        ],
      }),
      ...Array.from({ length: 50 }, (_, i) => task('b', i, { startedAt: at(1000), finishedAt: at(2000) })),
    ];
    const { container } = render(<Gantt tasks={tasks} run={run} stepOrder={['a', 'b']} now={T0 + 4000} />);
    // Step a (1 task) opens; step b (50 tasks) starts folded.
    expect(screen.getAllByTestId('gantt-step')).toHaveLength(2);
    expect(screen.getAllByTestId('gantt-task')).toHaveLength(1);
    const bars = [...container.querySelectorAll('[data-testid="gantt-task"] .gantt__bar')];
    expect(bars.map((b) => b.getAttribute('data-attempt'))).toEqual(['1', '2']);
    const [first, second] = bars.map((b) => ({ x: Number(b.getAttribute('x')), w: Number(b.getAttribute('width')) }));
    // Attempt 2 starts twice as far in as attempt 1 ends, and lasts twice as long.
    expect(second.x).toBeCloseTo(2 * (first.x + first.w), 5);
    expect(second.w).toBeCloseTo(2 * first.w, 5);
    expect(bars[0].getAttribute('class')).toContain('status--failed');

    fireEvent.click(screen.getByRole('button', { name: /b\s*50/ }));
    expect(screen.getAllByTestId('gantt-task').length).toBeGreaterThan(1);
    fireEvent.click(screen.getByRole('button', { name: /a\s*1/ }));
    expect(container.querySelector('[data-attempt="2"]')).toBeNull();
  });

  it('draws a running attempt up to now, marked as open', () => {
    const running = task('a', 0, {
      status: 'RUNNING',
      finishedAt: null,
      attempts: [{ number: 1, workerId: 'w1', status: 'RUNNING', startedAt: at(1000), finishedAt: null, error: null }],
    });
    const { container } = render(
      <Gantt tasks={[running]} run={{ startedAt: at(0), finishedAt: null }} stepOrder={['a']} now={T0 + 3000} />,
    );
    const bar = container.querySelector('.gantt__bar')!;
    expect(bar.getAttribute('class')).toContain('is-open');
    expect(container.querySelector('.gantt__now')).not.toBeNull();
  });
});

describe('RunGrid', () => {
  it('lays runs out oldest first, a cell per step named by status in its label', () => {
    const runs: RunSummary[] = [
      {
        id: 'bbbbbbbb-2',
        createdAt: at(2000),
        status: 'FAILED',
        steps: [step('a'), step('b', { status: 'FAILED', succeeded: 0, failed: 1 })],
      },
      { id: 'aaaaaaaa-1', createdAt: at(0), status: 'SUCCEEDED', steps: [step('a'), step('b')] },
    ].map((r) => ({
      jobName: 'j',
      jobVersion: 1,
      trigger: 'MANUAL',
      scheduledAt: null,
      startedAt: r.createdAt,
      finishedAt: at(3000),
      cancelRequestedAt: null,
      retryOf: null,
      ...r,
    })) as RunSummary[];
    render(<RunGrid runs={runs} stepKeys={['a', 'b']} now={T0 + 5000} />);
    const cells = screen.getAllByRole('link').filter((l) => l.className.includes('run-grid__cell'));
    expect(cells.map((c) => c.getAttribute('aria-label'))).toEqual([
      'Run aaaaaaaa, step a: Succeeded (1/1 succeeded)',
      'Run bbbbbbbb, step a: Succeeded (1/1 succeeded)',
      'Run aaaaaaaa, step b: Succeeded (1/1 succeeded)',
      'Run bbbbbbbb, step b: Failed (0/1 succeeded)',
    ]);
    expect(cells[0].getAttribute('href')).toBe('/runs/aaaaaaaa-1?step=a');
    expect(screen.getByLabelText('Legend').textContent).toContain('Failed');
  });
});
