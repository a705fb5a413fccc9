import { describe, expect, it } from 'vitest';
import type { StepSummary } from '../../../shared/contract.js';
import { edgePath, layoutDag, NODE_HEIGHT, nodeWidth } from '../../../renderer/src/metaflow/run/dag-layout.js';

// The DAG view's layout: every step placed once, edges where the graph has them, foreach edges marked.

function step(name: string, next: string[], type: StepSummary['type'] = 'linear'): StepSummary {
  return { name, type, next, taskCount: 1, status: 'succeeded' };
}

const FOREACH = [
  step('start', ['work'], 'split-foreach'),
  step('work', ['join']),
  step('join', ['end'], 'join'),
  step('end', [], 'end'),
];

const BRANCH = [step('start', ['a', 'b'], 'split-static'), step('a', ['join']), step('b', ['join']), step('join', ['end'], 'join'), step('end', [], 'end')];

describe('layoutDag', () => {
  it('places each step once, left to right in flow order, inside the drawing', () => {
    const layout = layoutDag(FOREACH);
    expect(layout.nodes.map((n) => n.step.name)).toEqual(['start', 'work', 'join', 'end']);
    const xs = layout.nodes.map((n) => n.x);
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
    for (const n of layout.nodes) {
      expect(n.height).toBe(NODE_HEIGHT);
      expect(n.x - n.width / 2).toBeGreaterThanOrEqual(0);
      expect(n.x + n.width / 2).toBeLessThanOrEqual(layout.width);
      expect(n.y + n.height / 2).toBeLessThanOrEqual(layout.height);
    }
  });

  it('draws an edge per transition, marking the ones leaving a foreach split', () => {
    const { edges } = layoutDag(FOREACH);
    expect(edges.map((e) => [e.from, e.to, e.foreach])).toEqual([
      ['start', 'work', true],
      ['work', 'join', false],
      ['join', 'end', false],
    ]);
    for (const e of edges) expect(e.points.length).toBeGreaterThanOrEqual(2);
  });

  it('puts parallel branches side by side, and lays out top to bottom on request', () => {
    const lr = layoutDag(BRANCH);
    const at = (name: string) => lr.nodes.find((n) => n.step.name === name);
    expect(at('a')?.x).toBe(at('b')?.x);
    expect(at('a')?.y).not.toBe(at('b')?.y);
    const tb = layoutDag(BRANCH, 'TB');
    const tbAt = (name: string) => tb.nodes.find((n) => n.step.name === name);
    expect(tbAt('a')?.y).toBe(tbAt('b')?.y);
    expect(tbAt('end')?.y).toBeGreaterThan(tbAt('start')?.y ?? Infinity);
  });

  it('ignores transitions to steps it was not given', () => {
    const { nodes, edges } = layoutDag([step('start', ['missing', 'end']), step('end', [], 'end')]);
    expect(nodes).toHaveLength(2);
    expect(edges.map((e) => e.to)).toEqual(['end']);
  });
});

describe('nodeWidth and edgePath', () => {
  it('widens boxes for long step names, with a minimum', () => {
    expect(nodeWidth(step('a', []))).toBe(nodeWidth(step('b', [])));
    expect(nodeWidth(step('a_much_longer_step_name_than_usual', []))).toBeGreaterThan(nodeWidth(step('a', [])));
  });

  it('turns points into an SVG path through them', () => {
    expect(edgePath([])).toBe('');
    expect(edgePath([{ x: 1, y: 2 }])).toBe('M1,2');
    expect(edgePath([{ x: 0, y: 0 }, { x: 10, y: 0 }])).toBe('M0,0 L10,0');
    expect(edgePath([{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 10, y: 10 }])).toBe('M0,0 Q10,0 10,5 L10,10');
  });
});
