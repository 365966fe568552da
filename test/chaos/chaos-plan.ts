/**
 * The kill schedule, decided from the seed before anything starts: which disruption happens
 * when, which slot it picks and how long the victim stays down. The same seed and bounds give
 * the same schedule; only what the cluster happens to be doing at that moment differs.
 */
import { CHAOS_KINDS, KIND_LABELS, type ChaosKind, type ChaosOptions } from './chaos-options';
import { Random } from './random';

export interface ChaosAction {
  index: number;
  /** When to start it, from the start of the chaos. */
  atMs: number;
  kind: ChaosKind;
  /** Chooses the target among the candidates at that moment (a worker slot), in [0, 1). */
  pick: number;
  /** Workers: how long the slot stays empty before a new process starts. */
  downMs: number;
  /** SIGSTOP: how long the old leader stays stopped after its successor took over. */
  holdMs: number;
}

/** How many of each kind: proportional to the weights, at least one of each when there is room. */
function kindCounts(total: number, weights: Record<ChaosKind, number>): Record<ChaosKind, number> {
  const sum = CHAOS_KINDS.reduce((s, k) => s + weights[k], 0);
  const counts = Object.fromEntries(CHAOS_KINDS.map((k) => [k, 0])) as Record<ChaosKind, number>;
  const used = CHAOS_KINDS.filter((k) => weights[k] > 0);
  const minimum = total >= used.length ? 1 : 0;
  for (const k of used) counts[k] = Math.max(minimum, Math.floor((total * weights[k]) / sum));
  let assigned = CHAOS_KINDS.reduce((s, k) => s + counts[k], 0);
  // Largest remainders first, then trim the largest counts if the minimums overshot.
  const byRemainder = [...used].sort((a, b) => (((total * weights[b]) / sum) % 1) - (((total * weights[a]) / sum) % 1));
  for (let i = 0; assigned < total; i++, assigned++) counts[byRemainder[i % byRemainder.length]] += 1;
  while (assigned > total) {
    const largest = [...CHAOS_KINDS].sort((a, b) => counts[b] - counts[a])[0];
    counts[largest] -= 1;
    assigned -= 1;
  }
  return counts;
}

export function chaosPlan(
  options: Pick<ChaosOptions, 'seed' | 'kills' | 'seconds' | 'weights' | 'workerRestartMs' | 'stopHoldMs'>,
): ChaosAction[] {
  const random = new Random(options.seed);
  const counts = kindCounts(options.kills, options.weights);
  const kinds = random.shuffle(CHAOS_KINDS.flatMap((k) => Array<ChaosKind>(counts[k]).fill(k)));
  const spanMs = options.seconds * 1000;
  // Evenly spread with jitter, leaving the first and last stretch of the window quiet.
  const meanGap = spanMs / (kinds.length + 1);
  return kinds.map((kind, index) => ({
    index,
    atMs: Math.round(meanGap * (index + 1) + random.between(-0.4, 0.4) * meanGap),
    kind,
    pick: random.next(),
    downMs: Math.round(random.between(options.workerRestartMs[0], options.workerRestartMs[1])),
    holdMs: Math.round(random.between(options.stopHoldMs[0], options.stopHoldMs[1])),
  }));
}

export function describePlan(plan: ChaosAction[]): string {
  const counts = new Map<ChaosKind, number>();
  for (const a of plan) counts.set(a.kind, (counts.get(a.kind) ?? 0) + 1);
  return CHAOS_KINDS.filter((k) => counts.get(k))
    .map((k) => `${KIND_LABELS[k]} ${counts.get(k)}`)
    .join(', ');
}
