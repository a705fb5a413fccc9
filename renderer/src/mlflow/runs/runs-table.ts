import type { MlflowRun } from '../../../../shared/schemas/mlflow.js';

// The runs table's model: which columns the experiment's runs need, how a column sorts, and the
// parent/child nesting (MLflow's `mlflow.parentRunId`) flattened into rows for a virtual list.

export type RunColumn =
  | { kind: 'field'; field: 'name' | 'status' | 'user' | 'start' | 'duration' }
  | { kind: 'metric'; key: string }
  | { kind: 'param'; key: string }
  | { kind: 'tag'; key: string };

export interface RunSort {
  column: RunColumn;
  dir: 'asc' | 'desc';
}

export interface RunRow {
  run: MlflowRun;
  depth: number;
  childCount: number;
}

/** System tags are shown elsewhere (user, parent, note); only the user's own tags get columns. */
const isUserTag = (key: string) => !key.startsWith('mlflow.');

const sortedKeys = (runs: readonly MlflowRun[], pick: (r: MlflowRun) => Record<string, unknown>) =>
  [...new Set(runs.flatMap((r) => Object.keys(pick(r))))].sort();

export function dataColumns(runs: readonly MlflowRun[]): RunColumn[] {
  return [
    ...sortedKeys(runs, (r) => r.metrics).map((key): RunColumn => ({ kind: 'metric', key })),
    ...sortedKeys(runs, (r) => r.params).map((key): RunColumn => ({ kind: 'param', key })),
    ...sortedKeys(runs, (r) => r.tags)
      .filter(isUserTag)
      .map((key): RunColumn => ({ kind: 'tag', key })),
  ];
}

export function columnId(c: RunColumn): string {
  return c.kind === 'field' ? c.field : `${c.kind}:${c.key}`;
}

export function sameColumn(a: RunColumn, b: RunColumn): boolean {
  return columnId(a) === columnId(b);
}

/** The value a column shows and sorts by; null when the run has none. */
export function cellValue(run: MlflowRun, c: RunColumn): string | number | null {
  switch (c.kind) {
    case 'metric':
      return run.metrics[c.key]?.value ?? null;
    case 'param':
      return run.params[c.key] ?? null;
    case 'tag':
      return run.tags[c.key] ?? null;
    case 'field':
      if (c.field === 'name') return run.name;
      if (c.field === 'status') return run.status;
      if (c.field === 'user') return run.user;
      if (c.field === 'start') return run.startTime;
      return run.durationMs;
  }
}

/** Numbers numerically, numeric-looking params too (they are strings in MLflow), the rest as text; empty cells last. */
function compareValues(a: string | number | null, b: string | number | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  const na = typeof a === 'number' ? a : Number(a);
  const nb = typeof b === 'number' ? b : Number(b);
  if (a !== '' && b !== '' && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return String(a).localeCompare(String(b));
}

function comparator(sort: RunSort): (a: MlflowRun, b: MlflowRun) => number {
  const sign = sort.dir === 'asc' ? 1 : -1;
  return (a, b) => {
    const va = cellValue(a, sort.column);
    const vb = cellValue(b, sort.column);
    // Missing values stay last in both directions.
    if (va === null || vb === null) return compareValues(va, vb);
    return sign * compareValues(va, vb) || a.runId.localeCompare(b.runId);
  };
}

/** Rows in display order: each level sorted, children under their parent only while it is expanded. */
export function runRows(runs: readonly MlflowRun[], sort: RunSort, expanded: ReadonlySet<string>): RunRow[] {
  const ids = new Set(runs.map((r) => r.runId));
  const children = new Map<string, MlflowRun[]>();
  const roots: MlflowRun[] = [];
  for (const run of runs) {
    const parent = run.parentRunId;
    if (parent !== null && parent !== run.runId && ids.has(parent)) {
      const list = children.get(parent) ?? [];
      list.push(run);
      children.set(parent, list);
    } else roots.push(run);
  }
  const compare = comparator(sort);
  const rows: RunRow[] = [];
  const seen = new Set<string>();
  const stack: { run: MlflowRun; depth: number }[] = [...roots].sort(compare).reverse().map((run) => ({ run, depth: 0 }));
  while (stack.length > 0) {
    const { run, depth } = stack.pop() as { run: MlflowRun; depth: number };
    if (seen.has(run.runId)) continue;
    seen.add(run.runId);
    const kids = children.get(run.runId) ?? [];
    rows.push({ run, depth, childCount: kids.length });
    if (expanded.has(run.runId)) {
      for (const kid of [...kids].sort(compare).reverse()) stack.push({ run: kid, depth: depth + 1 });
    }
  }
  return rows;
}

export function columnLabel(c: RunColumn): string {
  if (c.kind === 'field') return { name: 'Run', status: 'Status', user: 'User', start: 'Started', duration: 'Duration' }[c.field];
  return c.key;
}
