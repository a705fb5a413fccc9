import { describe, expect, it } from 'vitest';
import type { ExperimentUsage } from '../../../shared/schemas/mlflow-usage.js';
import { EXPERIMENT_COLUMNS, experimentTotal, nextSort, sortRows, tierTotals, treemapCells } from '../../../renderer/src/usage/mlflow/usage-table.js';

// The MLflow usage table sorts by any column (largest first, names A to Z), keeps unknown gc figures
// last, and the treemap and tier line add up what the experiments hold.

function experiment(name: string, figures: Partial<ExperimentUsage>): ExperimentUsage {
  return {
    experimentId: name,
    name,
    deleted: false,
    runs: 1,
    deletedRuns: 0,
    artifactFiles: 0,
    artifactBytes: 0,
    deletedFiles: 0,
    deletedBytes: 0,
    traceFiles: 0,
    traceBytes: 0,
    tiers: [],
    gcFiles: 0,
    gcBytes: 0,
    ...figures,
  };
}

const column = (key: string) => {
  const found = EXPERIMENT_COLUMNS.find((c) => c.key === key);
  if (!found) throw new Error(key);
  return found;
};

const rows = [
  experiment('beta', { artifactBytes: 10, deletedBytes: 500, gcBytes: null }),
  experiment('alpha', { artifactBytes: 300, traceBytes: 5, gcBytes: 40 }),
  experiment('gamma', { artifactBytes: 20, gcBytes: 900, tiers: [{ tier: 'Archive', files: 1, bytes: 20 }] }),
];

describe('MLflow usage table', () => {
  it('sorts by total bytes, largest first, then the other way', () => {
    expect(sortRows(rows, column('total'), 'desc').map((r) => r.name)).toEqual(['beta', 'alpha', 'gamma']);
    expect(sortRows(rows, column('total'), 'asc').map((r) => r.name)).toEqual(['gamma', 'alpha', 'beta']);
    expect(experimentTotal(rows[0])).toBe(510);
  });

  it('sorts names A to Z first, and puts experiments whose gc figure is unknown last both ways', () => {
    expect(nextSort({ key: 'total', dir: 'desc' }, column('name'))).toEqual({ key: 'name', dir: 'asc' });
    expect(nextSort({ key: 'name', dir: 'asc' }, column('name'))).toEqual({ key: 'name', dir: 'desc' });
    expect(sortRows(rows, column('gc'), 'desc').map((r) => r.name)).toEqual(['gamma', 'alpha', 'beta']);
    expect(sortRows(rows, column('gc'), 'asc').map((r) => r.name)).toEqual(['alpha', 'gamma', 'beta']);
    expect(sortRows(rows, column('archive'), 'desc')[0].name).toBe('gamma');
  });

  it('adds tiers over experiments in Hot to Archive order, unknown last', () => {
    const tiers = tierTotals([
      experiment('a', { tiers: [{ tier: 'unknown', files: 1, bytes: 1 }, { tier: 'Archive', files: 2, bytes: 20 }] }),
      experiment('b', { tiers: [{ tier: 'Archive', files: 1, bytes: 5 }, { tier: 'Hot', files: 3, bytes: 7 }] }),
    ]);
    expect(tiers).toEqual([
      { tier: 'Hot', files: 3, bytes: 7 },
      { tier: 'Archive', files: 3, bytes: 25 },
      { tier: 'unknown', files: 1, bytes: 1 },
    ]);
  });

  it('gives the treemap only cells with bytes, largest first, bounded', () => {
    const cells = treemapCells(rows, (r) => ({ id: r.experimentId, name: r.name, size: r.gcBytes ?? 0 }), 1);
    expect(cells).toEqual([{ id: 'gamma', name: 'gamma', size: 900 }]);
    expect(treemapCells(rows, (r) => ({ id: r.name, name: r.name, size: r.gcBytes ?? 0 })).map((c) => c.id)).toEqual(['gamma', 'alpha']);
  });
});
