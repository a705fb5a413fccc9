import { describe, expect, it } from 'vitest';
import type { MlflowRun } from '../../../shared/schemas/mlflow.js';
import { buildSpanTree, visibleRows } from '../../../renderer/src/mlflow/traces/span-tree.js';
import { dataColumns, runRows, type RunSort } from '../../../renderer/src/mlflow/runs/runs-table.js';
import { searchRuns } from '../../../renderer/src/mlflow/runs/run-search.js';
import { toTraceFilter, EMPTY_DRAFT } from '../../../renderer/src/mlflow/traces/trace-filter.js';

// The MLflow views' pure models: the span tree's rows, the runs table's nesting, sorting and search, the traces filter.

interface S {
  id: string;
  parent: string | null;
  start: number;
}

const tree = (spans: S[]) => buildSpanTree(spans, (s) => s.id, (s) => s.parent, (s) => s.start);

describe('span tree', () => {
  const spans: S[] = [
    { id: 'c2', parent: 'root', start: 5 },
    { id: 'root', parent: null, start: 0 },
    { id: 'c1', parent: 'root', start: 1 },
    { id: 'g1', parent: 'c1', start: 2 },
    { id: 'orphan', parent: 'missing', start: 3 },
  ];

  it('lists spans depth first, children in start order, orphans as roots', () => {
    const rows = visibleRows(tree(spans), new Set());
    expect(rows.map((r) => [spans[r.index].id, r.depth])).toEqual([
      ['root', 0],
      ['c1', 1],
      ['g1', 2],
      ['c2', 1],
      ['orphan', 0],
    ]);
  });

  it('hides the descendants of a collapsed span', () => {
    const c1 = spans.findIndex((s) => s.id === 'c1');
    expect(visibleRows(tree(spans), new Set([c1])).map((r) => spans[r.index].id)).toEqual(['root', 'c1', 'c2', 'orphan']);
  });

  it('survives a parent cycle and 30,000 nested spans without recursion', () => {
    const cycle: S[] = [
      { id: 'a', parent: 'b', start: 0 },
      { id: 'b', parent: 'a', start: 1 },
    ];
    expect(visibleRows(tree(cycle), new Set()).length).toBeLessThanOrEqual(2);
    const deep: S[] = Array.from({ length: 30_000 }, (_, i) => ({ id: `s${i}`, parent: i === 0 ? null : `s${i - 1}`, start: i }));
    const rows = visibleRows(tree(deep), new Set());
    expect(rows).toHaveLength(30_000);
    expect(rows[29_999].depth).toBe(29_999);
  });
});

function run(id: string, patch: Partial<MlflowRun> = {}): MlflowRun {
  return {
    runId: id,
    experimentId: '1',
    name: id,
    status: 'FINISHED',
    lifecycleStage: 'active',
    user: null,
    startTime: 0,
    endTime: 1,
    durationMs: 1,
    parentRunId: null,
    artifactUri: null,
    params: {},
    metrics: {},
    tags: {},
    ...patch,
  };
}

describe('runs table', () => {
  const runs = [
    run('p', { params: { lr: '0.1' }, metrics: { acc: { value: 0.5, step: 0, timestamp: 0 } }, tags: { team: 'a', 'mlflow.user': 'x' } }),
    run('c', { parentRunId: 'p', params: { lr: '10' } }),
    run('q', { params: { lr: '2' }, metrics: { acc: { value: 0.9, step: 0, timestamp: 0 } } }),
  ];
  const byLr: RunSort = { column: { kind: 'param', key: 'lr' }, dir: 'asc' };

  it('has a column per metric, param and user tag (system tags left out)', () => {
    expect(dataColumns(runs)).toEqual([
      { kind: 'metric', key: 'acc' },
      { kind: 'param', key: 'lr' },
      { kind: 'tag', key: 'team' },
    ]);
  });

  it('nests children under an expanded parent and sorts numeric params as numbers', () => {
    expect(runRows(runs, byLr, new Set()).map((r) => r.run.runId)).toEqual(['p', 'q']);
    expect(runRows(runs, byLr, new Set(['p'])).map((r) => [r.run.runId, r.depth])).toEqual([
      ['p', 0],
      ['c', 1],
      ['q', 0],
    ]);
    expect(runRows(runs, { ...byLr, dir: 'desc' }, new Set()).map((r) => r.run.runId)).toEqual(['q', 'p']);
  });

  it('keeps runs without the value last in both directions', () => {
    const acc: RunSort = { column: { kind: 'metric', key: 'acc' }, dir: 'asc' };
    const all = [...runs, run('none')];
    expect(runRows(all, acc, new Set()).map((r) => r.run.runId)).toEqual(['p', 'q', 'none']);
    expect(runRows(all, { ...acc, dir: 'desc' }, new Set()).map((r) => r.run.runId)).toEqual(['q', 'p', 'none']);
  });
});

describe('traces filter', () => {
  it('sends only what is set', () => {
    expect(toTraceFilter({ ...EMPTY_DRAFT, states: ['ERROR'], text: ' weather ', minTokens: '100' })).toEqual({ states: ['ERROR'], text: 'weather', minTokens: 100 });
    expect(toTraceFilter({ ...EMPTY_DRAFT, tagKey: 'env', tagValue: 'prod' })).toEqual({ tag: { key: 'env', value: 'prod' } });
  });

  it('gathers the span fields into one span condition', () => {
    expect(toTraceFilter({ ...EMPTY_DRAFT, spanType: ' LLM ', spanModel: 'gpt-4%', spanStatus: 'ERROR' })).toEqual({ span: { type: 'LLM', model: 'gpt-4%', status: 'ERROR' } });
    expect(toTraceFilter({ ...EMPTY_DRAFT, spanName: ' ' })).toEqual({});
  });

  it('names the field that is wrong', () => {
    expect((toTraceFilter({ ...EMPTY_DRAFT, minTokens: '1.5' }) as Error).message).toMatch(/Min tokens/);
    expect((toTraceFilter({ ...EMPTY_DRAFT, minTokens: '9', maxTokens: '3' }) as Error).message).toMatch(/Min tokens must not be above/);
    expect((toTraceFilter({ ...EMPTY_DRAFT, from: '2026-11-02T00:00', to: '2026-11-01T00:00' }) as Error).message).toMatch(/From must be before To/);
    expect((toTraceFilter({ ...EMPTY_DRAFT, tagValue: 'prod' }) as Error).message).toMatch(/tag key/);
  });
});

// The runs table's search box: what a data scientist types (a name, an id, a param or metric) narrows the runs.
const searched = [
  run('a1b2c3', { name: 'baseline-lr0.01', params: { optimizer: 'adam', learning_rate: '0.01' }, metrics: { accuracy: { value: 0.91, step: 0, timestamp: 1 } } }),
  run('d4e5f6', { name: 'sgd-sweep', params: { optimizer: 'sgd' }, tags: { team: 'fraud' }, metrics: { val_loss: { value: null, step: 3, timestamp: 1 } } }),
];
const names = (text: string) => searchRuns(searched, text).map((r) => r.name);

describe('run search', () => {
  it('matches the run name and id, ignoring case', () => {
    expect(names('BASELINE')).toEqual(['baseline-lr0.01']);
    expect(names('e5f')).toEqual(['sgd-sweep']);
  });

  it('matches params, tags and metrics by key, value or key=value', () => {
    expect(names('optimizer')).toEqual(['baseline-lr0.01', 'sgd-sweep']);
    expect(names('optimizer=sgd')).toEqual(['sgd-sweep']);
    expect(names('fraud')).toEqual(['sgd-sweep']);
    expect(names('accuracy=0.91')).toEqual(['baseline-lr0.01']);
    expect(names('val_loss=nan')).toEqual(['sgd-sweep']);
  });

  it('keeps every run for blank text and none for text nothing has', () => {
    expect(names('  ')).toEqual(['baseline-lr0.01', 'sgd-sweep']);
    expect(names('no-such-thing')).toEqual([]);
  });
});
