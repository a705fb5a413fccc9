import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../shared/contract.js';
import {
  compareIds,
  distinctTags,
  distinctUsers,
  filterRuns,
  isFiltered,
  NO_FILTER,
  PRESET_MS,
  rangeBounds,
  sortRuns,
  type RunFilter,
} from '../../../renderer/src/metaflow/runs/run-filters.js';

// The runs table's filters and sort: what the user picks decides which rows show and in what order.

const T0 = Date.UTC(2026, 0, 1);

function run(id: string, overrides: Partial<RunSummary> = {}): RunSummary {
  return {
    flow: 'F',
    id,
    status: 'succeeded',
    startedAt: T0,
    finishedAt: T0 + 1000,
    durationMs: 1000,
    user: 'alice',
    tags: ['nightly'],
    systemTags: ['user:alice'],
    lastActivityAt: T0 + 1000,
    approximate: null,
    failure: null,
    ...overrides,
  };
}

const RUNS = [
  run('1', { startedAt: T0, durationMs: 5000, user: 'alice', tags: ['nightly'] }),
  run('2', { startedAt: T0 + 60_000, status: 'failed', durationMs: 100, user: 'bob', tags: ['adhoc', 'gpu'] }),
  run('10', { startedAt: T0 + 120_000, status: 'running', finishedAt: null, durationMs: null, user: 'alice', tags: [] }),
  run('3', { startedAt: null, finishedAt: null, durationMs: null, user: null, tags: null }),
];

const ids = (runs: RunSummary[]) => runs.map((r) => r.id);
const filter = (f: Partial<RunFilter>) => ({ ...NO_FILTER, ...f });

describe('filterRuns', () => {
  it('keeps everything without a filter', () => {
    expect(ids(filterRuns(RUNS, NO_FILTER))).toEqual(['1', '2', '10', '3']);
    expect(isFiltered(NO_FILTER)).toBe(false);
  });

  it('filters by status, tag and user, together', () => {
    expect(ids(filterRuns(RUNS, filter({ status: 'failed' })))).toEqual(['2']);
    expect(ids(filterRuns(RUNS, filter({ tag: 'gpu' })))).toEqual(['2']);
    expect(ids(filterRuns(RUNS, filter({ user: 'alice' })))).toEqual(['1', '10']);
    expect(ids(filterRuns(RUNS, filter({ user: 'alice', status: 'running' })))).toEqual(['10']);
    expect(ids(filterRuns(RUNS, filter({ user: 'alice', tag: 'gpu' })))).toEqual([]);
    expect(isFiltered(filter({ tag: 'gpu' }))).toBe(true);
  });

  it('a status filter matches no run whose status is not read yet, not even "unknown"', () => {
    const listed = run('9', { status: 'unknown', listedOnly: true });
    const known = run('8', { status: 'unknown' });
    expect(filterRuns([listed, known], { ...NO_FILTER, status: 'unknown' }).map((r) => r.id)).toEqual(['8']);
    expect(filterRuns([listed, known], NO_FILTER)).toHaveLength(2);
  });

  it('filters by start time, leaving out runs without one', () => {
    expect(ids(filterRuns(RUNS, filter({ range: 'custom', since: T0 + 60_000, until: null })))).toEqual(['2', '10']);
    expect(ids(filterRuns(RUNS, filter({ range: 'custom', since: null, until: T0 + 120_000 })))).toEqual(['1', '2']);
  });

  it('matches free text in id, status, user and tags, ignoring case and spaces around', () => {
    expect(ids(filterRuns(RUNS, filter({ text: '  GPU ' })))).toEqual(['2']);
    expect(ids(filterRuns(RUNS, filter({ text: 'runn' })))).toEqual(['10']);
    expect(ids(filterRuns(RUNS, filter({ text: 'BOB' })))).toEqual(['2']);
    expect(isFiltered(filter({ text: '   ' }))).toBe(false);
  });
});

describe('rangeBounds', () => {
  const now = T0 + 40 * 24 * 3_600_000;

  it('counts presets back from now, open-ended', () => {
    expect(rangeBounds('all', '', '', now)).toEqual({ since: null, until: null });
    expect(rangeBounds('24h', '', '', now)).toEqual({ since: now - PRESET_MS['24h'], until: null });
    expect(rangeBounds('7d', '', '', now)).toEqual({ since: now - 7 * 24 * 3_600_000, until: null });
  });

  it('takes custom dates as whole local days, the end day included', () => {
    const { since, until } = rangeBounds('custom', '2026-03-01', '2026-03-02', now);
    expect(since).toBe(new Date(2026, 2, 1).getTime());
    expect(until).toBe(new Date(2026, 2, 2).getTime() + 24 * 3_600_000);
    expect(rangeBounds('custom', '', '2026-03-02', now).since).toBeNull();
    expect(rangeBounds('custom', '2026-03-01', '', now).until).toBeNull();
  });
});

describe('sortRuns', () => {
  it('sorts by when runs finished, unfinished ones last either way', () => {
    const runs = [run('a', { finishedAt: T0 + 500 }), run('b', { finishedAt: null, status: 'running' }), run('c', { finishedAt: T0 + 9000 })];
    expect(ids(sortRuns(runs, { key: 'finished', dir: 'desc' }))).toEqual(['c', 'a', 'b']);
    expect(ids(sortRuns(runs, { key: 'finished', dir: 'asc' }))).toEqual(['a', 'c', 'b']);
  });

  it('sorts by start, newest first by default, runs without a start last either way', () => {
    expect(ids(sortRuns(RUNS, { key: 'start', dir: 'desc' }))).toEqual(['10', '2', '1', '3']);
    expect(ids(sortRuns(RUNS, { key: 'start', dir: 'asc' }))).toEqual(['1', '2', '10', '3']);
  });

  it('sorts by duration with unknown durations last', () => {
    expect(ids(sortRuns(RUNS, { key: 'duration', dir: 'asc' })).slice(0, 2)).toEqual(['2', '1']);
    expect(ids(sortRuns(RUNS, { key: 'duration', dir: 'desc' })).slice(0, 2)).toEqual(['1', '2']);
    expect(new Set(ids(sortRuns(RUNS, { key: 'duration', dir: 'desc' })).slice(2))).toEqual(new Set(['10', '3']));
  });

  it('sorts numeric ids as numbers and by status running, failed, succeeded', () => {
    expect(ids(sortRuns(RUNS, { key: 'id', dir: 'asc' }))).toEqual(['1', '2', '3', '10']);
    expect(ids(sortRuns(RUNS, { key: 'status', dir: 'asc' })).slice(0, 2)).toEqual(['10', '2']);
  });

  it('leaves its input alone', () => {
    const input = [...RUNS];
    sortRuns(input, { key: 'id', dir: 'desc' });
    expect(ids(input)).toEqual(ids(RUNS));
  });
});

describe('compareIds', () => {
  it('orders numbers numerically (leading zeros ignored) before other ids', () => {
    expect(['10', '9', 'argo-abc', '011', 'argo-abb'].sort(compareIds)).toEqual(['9', '10', '011', 'argo-abb', 'argo-abc']);
    expect(compareIds('0010', '10')).toBe(0);
  });
});

describe('distinct values', () => {
  it('lists tags and users once each, sorted, skipping runs without them', () => {
    expect(distinctTags(RUNS)).toEqual(['adhoc', 'gpu', 'nightly']);
    expect(distinctUsers(RUNS)).toEqual(['alice', 'bob']);
  });
});
