import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { TraceCacheDb, type CachedInfo } from '../../electron/mlflow/trace-cache/cache-db.js';
import { TRACE_CACHE_MIGRATIONS } from '../../electron/mlflow/trace-cache/migrations.js';

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
      { traceId: 'a', usage: { input: 1, output: 1, total: 2 }, byModel: [{ model: 'm', input: 1, output: 1, total: 2, cacheRead: 0, cacheWrite: 0, cacheInInput: 0 }], spans: [] },
      { traceId: 'b', usage: { input: 3, output: 3, total: 6 }, byModel: [{ model: 'n', input: 3, output: 3, total: 6, cacheRead: 0, cacheWrite: 0, cacheInInput: 0 }], spans: [] },
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
        spans: [],
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

  it('gives latency per span type and per model from the spans read, and counts the traces still unread', () => {
    db = TraceCacheDb.open(':memory:');
    db.savePage([info('a', 'OK', 100), info('b', 'ERROR', 200), info('c', 'OK', 300)], null);
    const filter = { experimentIds: ['1'] };
    expect(db.latency(filter)).toMatchObject({ spansRead: true, spansPending: 3, spanTypes: [], models: [] });
    const usage = { input: 1, output: 1, total: 2 };
    db.saveSpans([
      {
        traceId: 'a',
        usage,
        byModel: [],
        spans: [
          { name: 'agent', type: 'AGENT', model: null, error: false, durationMs: 300, status: 'OK', calls: null },
          { name: 'Completions', type: 'CHAT_MODEL', model: 'gpt-4o', error: false, durationMs: 100, status: 'OK', calls: 'gpt-4o' },
        ],
      },
      {
        traceId: 'b',
        usage,
        byModel: [],
        spans: [
          { name: 'agent', type: 'AGENT', model: null, error: true, durationMs: 900, status: 'ERROR', calls: null },
          { name: 'Completions', type: 'CHAT_MODEL', model: 'gpt-4o', error: true, durationMs: 500, status: 'ERROR', calls: 'gpt-4o' },
          { name: 'search', type: 'TOOL', model: null, error: false, durationMs: 20, status: 'OK', calls: null },
        ],
      },
    ]);
    const latency = db.latency(filter);
    expect(latency.spansPending).toBe(1);
    expect(latency.traces).toMatchObject({ count: 3, errors: 1 });
    expect(latency.spanTypes.map((t) => [t.spanType, t.count, t.errors, t.p50, t.p99])).toEqual([
      ['AGENT', 2, 1, 300, 900],
      ['CHAT_MODEL', 2, 1, 100, 500],
      ['TOOL', 1, 0, 20, 20],
    ]);
    expect(latency.models).toEqual([{ model: 'gpt-4o', count: 2, p50: 100, p90: 500, p99: 500, errors: 1, errorRate: 0.5 }]);
    // A trace whose state changes has its spans read again: its old span rows no longer count.
    db.savePage([info('b', 'OK', 200)], null);
    expect(db.latency(filter).spanTypes.map((t) => t.spanType)).toEqual(['AGENT', 'CHAT_MODEL']);
    db.clear();
    expect(db.latency(filter).spanTypes).toEqual([]);
  });

  it('marks traces read before span rows were kept as unread, so their spans are fetched again', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'stratus-trace-cache-v1-')), 'cache.sqlite');
    const old = new Database(file);
    old.exec(TRACE_CACHE_MIGRATIONS[0]);
    old.prepare("INSERT INTO traces (trace_id, experiment_id, timestamp_ms, state, spans) VALUES ('a', '1', 1, 'OK', 1), ('b', '1', 2, 'OK', 2)").run();
    old.pragma('user_version = 1');
    old.close();
    db = TraceCacheDb.open(file);
    expect(db.pendingSpans(10)).toEqual(['a']);
  });
});
