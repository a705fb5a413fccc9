import { afterEach, describe, expect, it } from 'vitest';
import { TraceCacheDb, type CachedInfo } from '../../electron/mlflow/trace-cache/cache-db.js';

// The trace cache's own rules: a page and its sync position land together, a trace whose state
// changed has its spans read again, and a trace without read spans counts MLflow's stored total.

let db: TraceCacheDb | undefined;
afterEach(() => db?.close());

const info = (traceId: string, state: string, timestampMs: number): CachedInfo => ({
  traceId,
  experimentId: '1',
  timestampMs,
  durationMs: state === 'IN_PROGRESS' ? null : 250,
  state,
  name: 'agent',
  user: 'u',
  session: null,
  stored: { input: 10, output: 5, total: 15 },
});

describe('trace cache database', () => {
  it('keeps the sync position with the page, and forgets both when cleared', () => {
    db = TraceCacheDb.open(':memory:');
    expect(db.position('1')).toEqual({ experimentId: '1', pageToken: null, newestMs: null, complete: false });
    db.savePage([info('a', 'OK', 100), info('b', 'OK', 90)], { experimentId: '1', pageToken: 'p2', newestMs: 100, complete: false });
    expect(db.position('1')).toEqual({ experimentId: '1', pageToken: 'p2', newestMs: 100, complete: false });
    expect(db.counts()).toEqual({ traces: 2, spansPending: 2 });
    db.clear();
    expect(db.counts()).toEqual({ traces: 0, spansPending: 0 });
    expect(db.position('1').pageToken).toBeNull();
  });

  it('reads the spans of a trace again once it is no longer IN_PROGRESS, and re-checks only IN_PROGRESS ones', () => {
    db = TraceCacheDb.open(':memory:');
    db.savePage([info('a', 'IN_PROGRESS', 100), info('b', 'OK', 90)], null);
    db.saveSpans([
      { traceId: 'a', usage: { input: 1, output: 1, total: 2 }, byModel: [{ model: 'm', input: 1, output: 1, total: 2, cacheRead: 0, cacheWrite: 0, cacheInInput: 0 }] },
      { traceId: 'b', usage: { input: 3, output: 3, total: 6 }, byModel: [{ model: 'n', input: 3, output: 3, total: 6, cacheRead: 0, cacheWrite: 0, cacheInInput: 0 }] },
    ]);
    expect(db.pendingSpans(10)).toEqual([]);
    expect(db.inProgress(['1'], 10)).toEqual(['a']);
    db.savePage([info('a', 'OK', 100), info('b', 'OK', 90)], null);
    expect(db.pendingSpans(10)).toEqual(['a']);
    expect(db.inProgress(['1'], 10)).toEqual([]);
  });

  it('counts the stored total on an unknown model until spans are read, then the split by model', () => {
    db = TraceCacheDb.open(':memory:');
    db.savePage([info('a', 'OK', 100)], null);
    const filter = { experimentIds: ['1'] };
    expect(db.records(filter)[0].byModel).toEqual([{ model: null, input: 10, output: 5, total: 15, cacheRead: 0, cacheWrite: 0, cacheInInput: 0 }]);
    db.saveSpans([
      {
        traceId: 'a',
        usage: { input: 10, output: 5, total: 15 },
        byModel: [
          { model: 'small', input: 2, output: 1, total: 3, cacheRead: 1, cacheWrite: 0, cacheInInput: 1 },
          { model: 'big', input: 8, output: 4, total: 12, cacheRead: 0, cacheWrite: 0, cacheInInput: 0 },
        ],
      },
    ]);
    expect(db.records(filter)[0].byModel.map((m) => m.model)).toEqual(['big', 'small']);
    // Prompt-cache counts and the trace's duration and state come back for pricing and latency.
    expect(db.records(filter)[0].byModel[1]).toMatchObject({ model: 'small', cacheRead: 1, cacheInInput: 1 });
    expect(db.records(filter)[0]).toMatchObject({ durationMs: 250, status: 'OK' });
    db.saveSpans([{ traceId: 'a', unreadable: true }]);
    expect(db.records(filter)[0].byModel).toEqual([{ model: null, input: 10, output: 5, total: 15, cacheRead: 0, cacheWrite: 0, cacheInInput: 0 }]);
    expect(db.records({ experimentIds: ['1'], from: 101 })).toEqual([]);
  });
});
