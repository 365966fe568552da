import { useMemo, type KeyboardEvent } from 'react';
import type { RunStep, Step } from '../api/types';
import { edgePath, layoutDag } from '../logic/dag-layout';
import { STATUS_GLYPHS, statusClass, statusWord, stepProgress } from '../logic/status';

export type DagStep = Pick<Step, 'key' | 'dependsOn'> &
  Partial<Pick<Step, 'handler' | 'shards' | 'triggerRule' | 'queue'>>;

interface DagGraphProps {
  steps: DagStep[];
  /** A run's step states: colours the nodes and shows shard progress. */
  runSteps?: RunStep[];
  selected?: string | null;
  onSelect?: (key: string) => void;
  label: string;
}

const NODE_WIDTH = 208;
const NODE_HEIGHT = 70;

const RULE_WORDS: Record<string, string> = {
  ALL_DONE: 'all done',
  ONE_SUCCESS: 'one success',
  ONE_FAILED: 'one failed',
  NONE_FAILED: 'none failed',
};

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * A job's DAG, laid out by dagre. On a run page each node takes its step's colour, status
 * word and shard progress (`succeeded/total`), and updates as events arrive.
 */
export function DagGraph({ steps, runSteps, selected, onSelect, label }: DagGraphProps) {
  const shape = useMemo(() => steps.map((s) => ({ key: s.key, dependsOn: s.dependsOn })), [steps]);
  const layout = useMemo(() => layoutDag(shape, { nodeWidth: NODE_WIDTH, nodeHeight: NODE_HEIGHT }), [shape]);
  const byKey = useMemo(() => new Map(steps.map((s) => [s.key, s])), [steps]);
  const states = useMemo(() => new Map((runSteps ?? []).map((s) => [s.key, s])), [runSteps]);

  const keyDown = (key: string) => (event: KeyboardEvent) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onSelect?.(key);
    }
  };

  return (
    <div className="dag-box" data-testid="dag">
      <svg
        className="dag"
        width={layout.width}
        height={layout.height}
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        role="group"
        aria-label={label}
      >
        <defs>
          <marker id="dag-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">
            <path d="M0,0 L10,5 L0,10 z" className="dag__arrow" />
          </marker>
        </defs>
        {layout.edges.map((e) => (
          <path key={`${e.from}->${e.to}`} d={edgePath(e.points)} className="dag__edge" markerEnd="url(#dag-arrow)" />
        ))}
        {layout.nodes.map((n) => {
          const step = byKey.get(n.key);
          const state = states.get(n.key);
          const progress = state ? stepProgress(state) : null;
          const status = state?.status;
          const rule = step?.triggerRule && RULE_WORDS[step.triggerRule];
          const facts = [
            step?.handler,
            step?.shards !== undefined ? `${step.shards} shard${step.shards === 1 ? '' : 's'}` : null,
          ].filter(Boolean);
          const extras = [
            rule && `trigger: ${rule}`,
            step?.queue && step.queue !== 'default' && `queue: ${step.queue}`,
          ].filter(Boolean);
          const ariaLabel = state
            ? `${n.key}: ${statusWord(state.status)}, ${progress!.label} succeeded${state.failed ? `, ${state.failed} failed` : ''}`
            : `${n.key}: ${facts.join(', ')}${extras.length ? `, ${extras.join(', ')}` : ''}`;
          return (
            <g
              key={n.key}
              transform={`translate(${n.x},${n.y})`}
              className={`dag__node ${status ? statusClass(status) : 'dag__node--plain'} ${selected === n.key ? 'is-selected' : ''}`}
              data-step={n.key}
              data-status={status}
              role={onSelect ? 'button' : 'img'}
              tabIndex={onSelect ? 0 : undefined}
              aria-label={ariaLabel}
              aria-pressed={onSelect ? selected === n.key : undefined}
              onClick={onSelect ? () => onSelect(n.key) : undefined}
              onKeyDown={onSelect ? keyDown(n.key) : undefined}
            >
              <title>{ariaLabel}</title>
              <rect width={n.width} height={n.height} rx="8" className="dag__box" />
              <text x="12" y="22" className="dag__key">
                {clip(n.key, 24)}
              </text>
              {state && progress ? (
                <>
                  <text x={n.width - 12} y="22" textAnchor="end" className="dag__status">
                    {STATUS_GLYPHS[state.status]} {statusWord(state.status)}
                  </text>
                  <rect x="12" y="34" width={n.width - 24} height="6" rx="3" className="dag__track" />
                  <rect
                    x="12"
                    y="34"
                    width={Math.max(0, (n.width - 24) * progress.fraction)}
                    height="6"
                    rx="3"
                    className="dag__fill"
                  />
                  <text x="12" y="58" className="dag__progress" data-testid="step-progress">
                    {progress.label}
                  </text>
                  <text x={n.width - 12} y="58" textAnchor="end" className="dag__meta">
                    {[
                      state.failed && `${state.failed} failed`,
                      state.skipped && `${state.skipped} skipped`,
                      state.cancelled && `${state.cancelled} cancelled`,
                    ]
                      .filter(Boolean)
                      .join(' · ')}
                  </text>
                </>
              ) : (
                <>
                  <text x="12" y="42" className="dag__meta">
                    {clip(facts.join(' · '), 30)}
                  </text>
                  <text x="12" y="60" className="dag__meta dag__meta--soft">
                    {clip(extras.join(' · '), 30)}
                  </text>
                </>
              )}
            </g>
          );
        })}
      </svg>
    </div>
  );
}
