import type { ExperimentUsage, RunUsage, TierUsage } from '../../../../shared/schemas/mlflow-usage.js';

// The MLflow usage view's rows, columns and sort order, apart from React so they are tested under Node.

export type SortDir = 'asc' | 'desc';

export interface Column<Row> {
  key: string;
  title: string;
  /** What the column sorts by; null sorts last whatever the direction (gc figures not known). */
  value: (row: Row) => number | string | null;
  /** Numbers sort largest first on the first click; names A to Z. */
  firstDir: SortDir;
}

/** Every byte the experiment holds: its runs' artifacts (active and deleted) and its trace artifacts. */
export function experimentTotal(e: ExperimentUsage): number {
  return e.artifactBytes + e.deletedBytes + e.traceBytes;
}

const bytes = <Row>(key: string, title: string, value: (row: Row) => number | null): Column<Row> => ({ key, title, value, firstDir: 'desc' });

export const EXPERIMENT_COLUMNS: Column<ExperimentUsage>[] = [
  { key: 'name', title: 'Experiment', value: (e) => e.name, firstDir: 'asc' },
  bytes('runs', 'Runs', (e) => e.runs),
  bytes('total', 'Total', experimentTotal),
  bytes('artifacts', 'Artifacts', (e) => e.artifactBytes),
  bytes('deleted', 'Deleted runs', (e) => e.deletedBytes),
  bytes('traces', 'Traces', (e) => e.traceBytes),
  bytes('archive', 'Archive tier', (e) => tierBytes(e.tiers, 'Archive')),
  bytes('gc', 'gc would free', (e) => e.gcBytes),
];

export const RUN_COLUMNS: Column<RunUsage>[] = [
  { key: 'name', title: 'Run', value: (r) => r.name || r.runId, firstDir: 'asc' },
  { key: 'status', title: 'Status', value: (r) => (r.deleted ? `${r.status} (deleted)` : r.status), firstDir: 'asc' },
  bytes('files', 'Files', (r) => r.files),
  bytes('bytes', 'Bytes', (r) => r.bytes),
  bytes('archive', 'Archive tier', (r) => tierBytes(r.tiers, 'Archive')),
];

export function tierBytes(tiers: readonly TierUsage[], tier: string): number {
  return tiers.find((t) => t.tier === tier)?.bytes ?? 0;
}

/** A sorted copy; ties keep their order, unknown values (null) go last. */
export function sortRows<Row>(rows: readonly Row[], column: Column<Row>, dir: SortDir): Row[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = column.value(a);
    const y = column.value(b);
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    if (typeof x === 'string' || typeof y === 'string') return sign * String(x).localeCompare(String(y));
    return sign * (x - y);
  });
}

/** The direction a click on `column` sorts in: its first direction, then flipping while it stays the sort column. */
export function nextSort(current: { key: string; dir: SortDir }, column: { key: string; firstDir: SortDir }): { key: string; dir: SortDir } {
  if (current.key !== column.key) return { key: column.key, dir: column.firstDir };
  return { key: column.key, dir: current.dir === 'desc' ? 'asc' : 'desc' };
}

const TIER_ORDER = ['Hot', 'Cool', 'Cold', 'Archive'];

/** Bytes by tier over several experiments, Hot to Archive then any other (unknown) last. */
export function tierTotals(experiments: readonly ExperimentUsage[]): TierUsage[] {
  const totals = new Map<string, TierUsage>();
  for (const e of experiments) {
    for (const t of e.tiers) {
      const have = totals.get(t.tier) ?? { tier: t.tier, files: 0, bytes: 0 };
      totals.set(t.tier, { tier: t.tier, files: have.files + t.files, bytes: have.bytes + t.bytes });
    }
  }
  const rank = (tier: string) => (TIER_ORDER.includes(tier) ? TIER_ORDER.indexOf(tier) : TIER_ORDER.length);
  return [...totals.values()].sort((a, b) => rank(a.tier) - rank(b.tier) || a.tier.localeCompare(b.tier));
}

/** A type, not an interface, so recharts' index-signature data type accepts it. */
export type TreemapCell = {
  id: string;
  name: string;
  size: number;
};

/** Cells for the treemap: only what holds bytes (a 0-byte cell has no area), largest first, at most `limit`. */
export function treemapCells<Row>(rows: readonly Row[], cell: (row: Row) => TreemapCell, limit = 200): TreemapCell[] {
  return rows
    .map(cell)
    .filter((c) => c.size > 0)
    .sort((a, b) => b.size - a.size)
    .slice(0, limit);
}
