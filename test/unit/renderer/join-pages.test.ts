import { describe, expect, it } from 'vitest';
import type { RunList, RunSummary } from '../../../shared/contract.js';
import { joinPages } from '../../../renderer/src/metaflow/runs/join-pages.js';

// The runs table over a service's pages: each "more" adds the next page under the ones shown.

function run(id: string): RunSummary {
  return { flow: 'F', id, status: 'succeeded', startedAt: 1, finishedAt: 2, durationMs: 1, user: 'alice', tags: [], systemTags: [], lastActivityAt: 2, approximate: null, failure: null };
}

const page = (ids: string[], over: Partial<RunList> = {}): RunList => ({ runs: ids.map(run), metadata: 'service', fromIndex: false, namespace: 'user:alice', ...over });

describe('pages of a service runs list', () => {
  it('shows every page in order, with more to come only while the last page has a cursor', () => {
    const joined = joinPages([page(['9', '8'], { next: 'c1' }), page(['7', '6'], { next: 'c2' })]);
    expect(joined.runs.map((r) => r.id)).toEqual(['9', '8', '7', '6']);
    expect(joined.next).toBe('c2');
    expect(joinPages([page(['9'], { next: 'c1' }), page(['8'])]).next).toBeUndefined();
  });

  it('shows a run that moved to the next page while it was read once', () => {
    expect(joinPages([page(['9', '8'], { next: 'c1' }), page(['8', '7'])]).runs.map((r) => r.id)).toEqual(['9', '8', '7']);
  });

  it('keeps the first page\'s cache state: cached rows are marked until the refresh replaces them', () => {
    const joined = joinPages([page(['9'], { fromIndex: true, cachedAt: 5, unreachable: 'connection refused' })]);
    expect(joined).toMatchObject({ fromIndex: true, cachedAt: 5, unreachable: 'connection refused', namespace: 'user:alice' });
  });
});
