import type { RunStatus, RunSummary } from '../../../../shared/contract.js';

// Filtering and sorting of a flow's runs: plain functions, so 10,000 rows cost one pass each.

export type SortKey = 'start' | 'finished' | 'duration' | 'id' | 'status';
export type SortDir = 'asc' | 'desc';
export interface Sort {
  key: SortKey;
  dir: SortDir;
}

export const DEFAULT_SORT: Sort = { key: 'start', dir: 'desc' };

export type RangePreset = 'all' | '1h' | '24h' | '7d' | '30d' | 'custom';

export interface RunFilter {
  status: RunStatus | 'all';
  /** '' for any. */
  tag: string;
  /** '' for any. */
  user: string;
  range: RangePreset;
  /** Custom range, as the date inputs hold it ('YYYY-MM-DD'); '' for open. */
  from: string;
  to: string;
  /** Epoch ms bounds on the start time, fixed when the range was chosen. */
  since: number | null;
  until: number | null;
  text: string;
}

export const NO_FILTER: RunFilter = { status: 'all', tag: '', user: '', range: 'all', from: '', to: '', since: null, until: null, text: '' };

const HOUR = 3_600_000;
export const PRESET_MS: Record<Exclude<RangePreset, 'all' | 'custom'>, number> = { '1h': HOUR, '24h': 24 * HOUR, '7d': 7 * 24 * HOUR, '30d': 30 * 24 * HOUR };

/** The start-time bounds of a range: presets count back from `now`, custom dates are local whole days. */
export function rangeBounds(range: RangePreset, from: string, to: string, now: number): { since: number | null; until: number | null } {
  if (range === 'all') return { since: null, until: null };
  if (range !== 'custom') return { since: now - PRESET_MS[range], until: null };
  const day = (text: string) => (text === '' ? null : new Date(`${text}T00:00:00`).getTime());
  const start = day(from);
  const end = day(to);
  return { since: start, until: end === null ? null : end + 24 * HOUR };
}

export function isFiltered(filter: RunFilter): boolean {
  return filter.status !== 'all' || filter.tag !== '' || filter.user !== '' || filter.range !== 'all' || filter.text.trim() !== '';
}

export function filterRuns(runs: RunSummary[], filter: RunFilter): RunSummary[] {
  const text = filter.text.trim().toLowerCase();
  const { since, until } = filter;
  return runs.filter((run) => {
    // A run not read yet has no status to match (the view says the list is partial).
    if (filter.status !== 'all' && (run.listedOnly === true || run.status !== filter.status)) return false;
    if (filter.tag !== '' && !(run.tags ?? []).includes(filter.tag)) return false;
    if (filter.user !== '' && run.user !== filter.user) return false;
    if (since !== null && (run.startedAt === null || run.startedAt < since)) return false;
    if (until !== null && (run.startedAt === null || run.startedAt >= until)) return false;
    if (text !== '') {
      const haystack = [run.id, run.status, run.user ?? '', ...(run.tags ?? [])].join('\n').toLowerCase();
      if (!haystack.includes(text)) return false;
    }
    return true;
  });
}

const NUMERIC = /^\d+$/;

/** Run ids are opaque, but the local runtime's are numbers: those compare as numbers, before any others. */
export function compareIds(a: string, b: string): number {
  const an = NUMERIC.test(a);
  const bn = NUMERIC.test(b);
  if (an && bn) {
    const x = a.replace(/^0+(?=\d)/, '');
    const y = b.replace(/^0+(?=\d)/, '');
    return x.length - y.length || (x < y ? -1 : x > y ? 1 : 0);
  }
  if (an !== bn) return an ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

const STATUS_ORDER: Record<RunStatus, number> = { running: 0, stale: 1, failed: 2, succeeded: 3, unknown: 4 };

function compareNullable(a: number | null, b: number | null): number | null {
  if (a === null && b === null) return 0;
  if (a === null || b === null) return null;
  return a - b;
}

/** Sorted copy; runs without the sorted value (no start, no duration) go last whichever the direction. */
export function sortRuns(runs: RunSummary[], sort: Sort): RunSummary[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  const value = (run: RunSummary): number | null =>
    sort.key === 'start' ? run.startedAt
    : sort.key === 'finished' ? run.finishedAt
    : sort.key === 'duration' ? run.durationMs
    : sort.key === 'status' ? STATUS_ORDER[run.status]
    : null;
  return [...runs].sort((a, b) => {
    if (sort.key === 'id') return sign * compareIds(a.id, b.id);
    const c = compareNullable(value(a), value(b));
    if (c === null) return value(a) === null ? 1 : -1;
    return sign * c || -compareIds(a.id, b.id);
  });
}

/** Distinct values for the tag and user pickers, sorted. */
export function distinctTags(runs: RunSummary[]): string[] {
  const set = new Set<string>();
  for (const run of runs) for (const tag of run.tags ?? []) set.add(tag);
  return [...set].sort();
}

export function distinctUsers(runs: RunSummary[]): string[] {
  const set = new Set<string>();
  for (const run of runs) if (run.user) set.add(run.user);
  return [...set].sort();
}
