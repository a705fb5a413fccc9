import dagre from '@dagrejs/dagre';
import type { StepSummary } from '../../../../shared/contract.js';

// Lays a run's steps out left to right with dagre: node boxes sized to their names, edges routed
// between them. Pure, so the view only draws what this returns.

export const NODE_HEIGHT = 54;
const MIN_NODE_WIDTH = 128;
const CHAR_WIDTH = 7.6;
const NODE_PADDING = 34;
/** The info line under the name (task count, foreach, retries, caught) is set smaller. */
const INFO_CHAR_WIDTH = 6.4;

export interface DagNode {
  step: StepSummary;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DagEdge {
  from: string;
  to: string;
  /** Leaves a foreach split: one task of `to` per item. */
  foreach: boolean;
  points: { x: number; y: number }[];
}

export interface DagLayout {
  nodes: DagNode[];
  edges: DagEdge[];
  width: number;
  height: number;
}

/** Wide enough for the step's name and for its info line of `infoChars` characters. */
export function nodeWidth(step: StepSummary, infoChars = 0): number {
  return Math.max(MIN_NODE_WIDTH, Math.ceil(Math.max(step.name.length * CHAR_WIDTH, infoChars * INFO_CHAR_WIDTH)) + NODE_PADDING);
}

export function layoutDag(steps: StepSummary[], rankdir: 'LR' | 'TB' = 'LR', infoChars: (step: StepSummary) => number = () => 0): DagLayout {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir, nodesep: 22, ranksep: 46, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  const known = new Set(steps.map((s) => s.name));
  for (const step of steps) g.setNode(step.name, { width: nodeWidth(step, infoChars(step)), height: NODE_HEIGHT });
  const edges: { from: string; to: string; foreach: boolean }[] = [];
  for (const step of steps) {
    for (const next of step.next) {
      if (!known.has(next)) continue;
      g.setEdge(step.name, next);
      edges.push({ from: step.name, to: next, foreach: step.type === 'split-foreach' });
    }
  }
  dagre.layout(g);
  const graph = g.graph();
  return {
    nodes: steps.map((step) => {
      const n = g.node(step.name);
      return { step, x: n.x, y: n.y, width: n.width, height: n.height };
    }),
    edges: edges.map((e) => ({ ...e, points: g.edge(e.from, e.to).points ?? [] })),
    width: graph.width ?? 0,
    height: graph.height ?? 0,
  };
}

/** An SVG path through dagre's points, rounded at the bends. */
export function edgePath(points: { x: number; y: number }[]): string {
  if (points.length === 0) return '';
  const [first, ...rest] = points;
  if (rest.length === 0) return `M${first.x},${first.y}`;
  let d = `M${first.x},${first.y}`;
  for (let i = 0; i < rest.length - 1; i++) {
    const p = rest[i];
    const q = rest[i + 1];
    d += ` Q${p.x},${p.y} ${(p.x + q.x) / 2},${(p.y + q.y) / 2}`;
  }
  const last = rest[rest.length - 1];
  return `${d} L${last.x},${last.y}`;
}
