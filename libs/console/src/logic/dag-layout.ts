import { Graph, layout } from '@dagrejs/dagre';

export interface DagNodeInput {
  key: string;
  dependsOn: string[];
}

export interface PlacedNode {
  key: string;
  /** Top-left corner. */
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedEdge {
  from: string;
  to: string;
  points: Array<{ x: number; y: number }>;
}

export interface DagLayout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

export interface LayoutOptions {
  nodeWidth: number;
  nodeHeight: number;
  /** LR: upstream on the left (wide screens); TB: upstream on top (narrow ones). */
  direction?: 'LR' | 'TB';
}

/** Lays a job's DAG out with dagre (layered, fewest crossings); edges run upstream → downstream. */
export function layoutDag(steps: DagNodeInput[], options: LayoutOptions): DagLayout {
  const g = new Graph<
    Record<string, number | string>,
    { width: number; height: number; x: number; y: number },
    object
  >();
  g.setGraph({ rankdir: options.direction ?? 'LR', nodesep: 20, ranksep: 56, edgesep: 12, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  const keys = new Set(steps.map((s) => s.key));
  for (const step of steps) {
    g.setNode(step.key, { width: options.nodeWidth, height: options.nodeHeight, x: 0, y: 0 });
  }
  for (const step of steps) {
    for (const upstream of step.dependsOn) if (keys.has(upstream)) g.setEdge(upstream, step.key);
  }
  layout(g);
  const nodes = steps.map((step) => {
    const n = g.node(step.key);
    return { key: step.key, x: n.x - n.width / 2, y: n.y - n.height / 2, width: n.width, height: n.height };
  });
  const edges = g.edges().map((e) => {
    const label = g.edge(e) as { points?: Array<{ x: number; y: number }> };
    return { from: e.v, to: e.w, points: label.points ?? [] };
  });
  const graph = g.graph() as { width?: number; height?: number };
  return { nodes, edges, width: Math.ceil(graph.width ?? 0), height: Math.ceil(graph.height ?? 0) };
}

/** An SVG path through dagre's edge points, rounded at the bends. */
export function edgePath(points: Array<{ x: number; y: number }>): string {
  if (points.length === 0) return '';
  if (points.length < 3) return `M${points.map((p) => `${p.x},${p.y}`).join(' L')}`;
  let d = `M${points[0].x},${points[0].y}`;
  for (let i = 1; i < points.length - 1; i++) {
    const p = points[i];
    const next = points[i + 1];
    d += ` Q${p.x},${p.y} ${(p.x + next.x) / 2},${(p.y + next.y) / 2}`;
  }
  const last = points[points.length - 1];
  return `${d} L${last.x},${last.y}`;
}
