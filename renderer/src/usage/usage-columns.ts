import type { UsageRow } from '../../../shared/schemas/usage.js';
import { formatBytes, formatCount } from '../format.js';

// The usage table's columns: what each shows and sorts by. gc's would-free comes from another call
// (the planner), so it is looked up per flow rather than read from the row.

export type UsageColumnId = 'name' | 'runs' | 'tasks' | 'uniqueBytes' | 'sharedBytes' | 'unreferencedBytes' | 'gcFree' | 'logBytes' | 'cardBytes' | 'tiers';

export interface UsageColumn {
  id: UsageColumnId;
  label: string;
  /** Levels that show it. */
  levels: readonly ('flows' | 'runs' | 'steps')[];
  numeric: boolean;
  sortValue?: (row: UsageRow, gcFree: ReadonlyMap<string, number>) => number | string;
  text: (row: UsageRow, gcFree: ReadonlyMap<string, number> | undefined) => string;
  title?: string;
}

const ALL = ['flows', 'runs', 'steps'] as const;

function bytesWithCount(bytes: number, count: number, noun: string): string {
  return `${formatBytes(bytes)} (${formatCount(count)} ${noun})`;
}

/** "Hot 1.2 MB · Cool 3 KB", largest first. */
export function tierText(tiers: Record<string, number>): string {
  const entries = Object.entries(tiers).sort((a, b) => b[1] - a[1]);
  return entries.length === 0 ? '—' : entries.map(([tier, bytes]) => `${tier} ${formatBytes(bytes)}`).join(' · ');
}

export const USAGE_COLUMNS: readonly UsageColumn[] = [
  { id: 'name', label: 'Name', levels: ALL, numeric: false, sortValue: (r) => r.name, text: (r) => r.name },
  { id: 'runs', label: 'Runs', levels: ['flows'], numeric: true, sortValue: (r) => r.runs, text: (r) => formatCount(r.runs) },
  { id: 'tasks', label: 'Tasks', levels: ALL, numeric: true, sortValue: (r) => r.tasks, text: (r) => formatCount(r.tasks) },
  {
    id: 'uniqueBytes',
    label: 'Unique',
    levels: ALL,
    numeric: true,
    title: 'Artifact blobs no other run (or step) names: what deleting this alone would free',
    sortValue: (r) => r.uniqueBytes,
    text: (r) => bytesWithCount(r.uniqueBytes, r.uniqueCount, 'blobs'),
  },
  {
    id: 'sharedBytes',
    label: 'Shared',
    levels: ALL,
    numeric: true,
    title: 'Artifact blobs other runs (or steps) name too',
    sortValue: (r) => r.sharedBytes,
    text: (r) => bytesWithCount(r.sharedBytes, r.sharedCount, 'blobs'),
  },
  {
    id: 'unreferencedBytes',
    label: 'Unreferenced',
    levels: ['flows'],
    numeric: true,
    title: 'Artifact blobs no scanned run names',
    sortValue: (r) => r.unreferencedBytes,
    text: (r) => bytesWithCount(r.unreferencedBytes, r.unreferencedCount, 'blobs'),
  },
  {
    id: 'gcFree',
    label: 'gc would free',
    levels: ['flows'],
    numeric: true,
    title: "A gc plan made now (not executed): unreferenced blobs past the grace period",
    sortValue: (r, gc) => gc.get(r.name) ?? 0,
    text: (r, gc) => (gc === undefined ? '…' : formatBytes(gc.get(r.name) ?? 0)),
  },
  { id: 'logBytes', label: 'Logs', levels: ALL, numeric: true, sortValue: (r) => r.logBytes, text: (r) => bytesWithCount(r.logBytes, r.logCount, 'files') },
  { id: 'cardBytes', label: 'Cards', levels: ALL, numeric: true, sortValue: (r) => r.cardBytes, text: (r) => bytesWithCount(r.cardBytes, r.cardCount, 'files') },
  { id: 'tiers', label: 'Artifact bytes per tier', levels: ALL, numeric: false, text: (r) => tierText(r.tiers) },
];
