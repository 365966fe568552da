/** The chaos report as one table, and the checks that must hold. */
import type { ChaosReport, Distribution } from './chaos-audit';
import { CHAOS_KINDS, KIND_LABELS } from './chaos-options';

interface Row {
  label: string;
  value: string;
  /** What it must be; a failed check is marked. */
  must?: string;
  ok?: boolean;
}

/** The checks that fail the suite: [what, value, what it must be, holds]. */
export function chaosChecks(r: ChaosReport): Array<{ what: string; value: number; must: string; ok: boolean }> {
  const zero = (what: string, value: number) => ({ what, value, must: '0', ok: value === 0 });
  return [
    {
      what: 'runs completed',
      value: r.runsCompleted,
      must: `${r.runsExpected}`,
      ok: r.runsCompleted === r.runsExpected,
    },
    zero('runs lost (acknowledged trigger, no run)', r.triggersMissing),
    zero('tasks lost', r.tasksLost),
    zero('tasks completed twice', r.tasksCompletedTwice),
    zero('step counters off', r.stepCountersOff),
    zero('runs with a wrong final status', r.runsWithWrongStatus),
    zero('tasks failed, not lost 3×', r.tasksFailedUnexplained),
    zero('executions unexplained', r.extraUnexplained),
    zero('attempts ended without an execution', r.attemptsWithoutExecution),
    zero('fires duplicated', r.firesDuplicated),
    zero('writes by a deposed leader', r.fenceViolations),
    zero('leader takeovers missed', r.leaderTakeoversMissed),
    zero('graceful stops hung', r.gracefulStopsHung),
    zero('leader loop crashes', r.leaderCrashes),
  ];
}

const seconds = (ms: number | null) => (ms === null ? '–' : `${(ms / 1000).toFixed(2)} s`);
const p50max = (d: Distribution) =>
  d.count === 0 ? '– (none)' : `${seconds(d.p50)} / ${seconds(d.max)}  (n=${d.count})`;

export function chaosTable(r: ChaosReport): string {
  const checks = new Map(chaosChecks(r).map((c) => [c.what, c]));
  const check = (what: string): Pick<Row, 'must' | 'ok'> => {
    const c = checks.get(what);
    return c ? { must: c.must === '0' ? '0' : 'all', ok: c.ok } : {};
  };
  const rows: Row[] = [
    { label: 'runs expected / completed', value: `${r.runsExpected} / ${r.runsCompleted}`, ...check('runs completed') },
    { label: '  succeeded / failed (a task lost 3×)', value: `${r.runsSucceeded} / ${r.runsFailed}` },
    {
      label: '  manual / scheduled (fires skipped in gaps)',
      value: `${r.manualRuns} / ${r.scheduleRuns} (${r.skippedFires})`,
    },
    {
      label: '  runs lost (trigger answered, no run)',
      value: `${r.triggersMissing}`,
      ...check('runs lost (acknowledged trigger, no run)'),
    },
    { label: 'tasks', value: `${r.tasks}` },
    { label: 'tasks lost (not final, or never made)', value: `${r.tasksLost}`, ...check('tasks lost') },
    { label: 'tasks completed twice', value: `${r.tasksCompletedTwice}`, ...check('tasks completed twice') },
    {
      label: '  step counters off / runs with wrong status',
      value: `${r.stepCountersOff} / ${r.runsWithWrongStatus}`,
      must: '0',
      ok: r.stepCountersOff + r.runsWithWrongStatus === 0,
    },
    {
      label: 'tasks failed: lost 3× / otherwise',
      value: `${r.tasksFailedLost3} / ${r.tasksFailedUnexplained}`,
      must: '– / 0',
      ok: r.tasksFailedUnexplained === 0,
    },
    { label: 'handler executions (sink)', value: `${r.executions}` },
    { label: '  one per attempt that counted', value: `${r.countedExecutions}` },
    { label: 'executions beyond one per task', value: `${r.extraOfLost + r.extraOfStale + r.extraUnexplained}` },
    {
      label: '  of lost / stale / other attempts',
      value: `${r.extraOfLost} / ${r.extraOfStale} / ${r.extraUnexplained}`,
      must: '– / – / 0',
      ok: r.extraUnexplained === 0,
    },
    { label: '    other: run after their attempt had ended', value: `${r.extraAfterEnd}` },
    {
      label: '  attempts ended without an execution',
      value: `${r.attemptsWithoutExecution}`,
      ...check('attempts ended without an execution'),
    },
    {
      label: 'attempts lost (not after a kill or stop)',
      value: `${r.attemptsLost} (${r.attemptsLostWithoutKill})`,
    },
    {
      label: '  silent / handed back / not running / other',
      value: `${r.lostBy.silent} / ${r.lostBy.handedBack} / ${r.lostBy.notRunning} / ${r.lostBy.other}`,
    },
    {
      label: '  stale results (of them succeeded: work re-done)',
      value: `${r.staleResults} (${r.staleSucceeded})`,
    },
    { label: 'handler failures retried or failed (sink 500)', value: `${r.handlerFailures}` },
    { label: 'fires duplicated', value: `${r.firesDuplicated}`, ...check('fires duplicated') },
    {
      label: 'writes by a deposed leader (of fenced)',
      value: `${r.fenceViolations} (of ${r.fencedStatements})`,
      ...check('writes by a deposed leader'),
    },
    { label: 'fail over, worker kill -9: p50 / max', value: p50max(r.workerKillFailover) },
    {
      label: '  kill -9 that hit running tasks',
      value: `${r.workerKillsHittingTasks} of ${r.disruptions['kill-worker']}`,
    },
    { label: 'fail over, worker SIGTERM: p50 / max', value: p50max(r.workerTermFailover) },
    {
      label: '  SIGTERM: hung (killed) / exit code not 0',
      value: `${r.gracefulStopsHung} / ${r.gracefulStopsFailed}`,
      ...check('graceful stops hung'),
    },
    { label: 'fail over, leader kill -9: p50 / max', value: p50max(r.leaderKillFailover) },
    { label: 'fail over, leader SIGSTOP: p50 / max', value: p50max(r.leaderStopFailover) },
    { label: '  SIGSTOP with no takeover while stopped', value: `${r.stopsWithoutTakeover}` },
    { label: '  leader takeovers missed', value: `${r.leaderTakeoversMissed}`, ...check('leader takeovers missed') },
    {
      label: 'leader loop crashes (not a lost lease)',
      value: `${r.leaderCrashes}`,
      ...check('leader loop crashes'),
    },
    {
      label: '  lease epoch at the end (changes no kill explains)',
      value: `${r.finalEpoch} (${r.epochsUnexplained})`,
    },
    { label: 'NATS restart, down: p50 / max', value: p50max(r.natsDown) },
    {
      label: 'machine load (1-min avg) mean / max',
      value: r.load.mean === null ? '–' : `${r.load.mean.toFixed(1)} / ${(r.load.max ?? 0).toFixed(1)}`,
    },
  ];
  const kinds = CHAOS_KINDS.filter((k) => r.disruptions[k])
    .map((k) => `${KIND_LABELS[k]} ${r.disruptions[k]}`)
    .join(', ');
  const total = CHAOS_KINDS.reduce((s, k) => s + r.disruptions[k], 0);
  const head =
    `shardflow chaos · seed ${r.seed} (CHAOS_SEED=${r.seed}) · ${r.profile} · ${total} disruptions in ${r.chaosSeconds.toFixed(0)} s` +
    ` (${kinds})${r.actionsSkipped ? ` · ${r.actionsSkipped} skipped` : ''} · ${r.totalSeconds.toFixed(0)} s in all`;
  const w1 = Math.max(...rows.map((x) => x.label.length), 'check'.length);
  const w2 = Math.max(...rows.map((x) => x.value.length), 'value'.length);
  const w3 = Math.max(...rows.map((x) => (x.must ?? '').length + 5), 'must be'.length);
  const line = `+-${'-'.repeat(w1)}-+-${'-'.repeat(w2)}-+-${'-'.repeat(w3)}-+`;
  const cell = (row: Row) => (row.must === undefined ? '' : `${row.must}${row.ok ? '  ok' : '  FAIL'}`);
  const body = rows.map((x) => `| ${x.label.padEnd(w1)} | ${x.value.padEnd(w2)} | ${cell(x).padEnd(w3)} |`);
  return [
    head,
    line,
    `| ${'check'.padEnd(w1)} | ${'value'.padEnd(w2)} | ${'must be'.padEnd(w3)} |`,
    line,
    ...body,
    line,
  ].join('\n');
}
