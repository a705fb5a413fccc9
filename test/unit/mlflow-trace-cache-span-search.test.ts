import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { TraceFilter, TraceSort } from '../../shared/schemas/mlflow.js';
import { TraceCacheDb, type CachedInfo } from '../../electron/mlflow/trace-cache/cache-db.js';
import { TRACE_CACHE_MIGRATIONS } from '../../electron/mlflow/trace-cache/migrations.js';
import type { CachedSpan } from '../../electron/mlflow/trace-cache/span-rows.js';

// The span conditions of a trace search over a trace cache's span rows: all on one span, with the
// trace conditions the cache knows, paged in the asked order, and saying how many traces it cannot
// judge yet (spans unread).

let db: TraceCacheDb | undefined;
afterEach(() => db?.close());

const info = (traceId: string, timestampMs: number, total: number | null, state = 'OK'): CachedInfo => ({
  traceId,
  experimentId: '1',
  timestampMs,
  durationMs: 100,
  state,
  name: traceId,
  user: traceId === 'c' ? 'ana' : 'bo',
  session: null,
  stored: total === null ? null : { input: total, output: 0, total },
});

const span = (name: string, type: string | null, status: CachedSpan['status'], calls: string | null): CachedSpan => ({ name, type, model: null, error: status === 'ERROR', durationMs: 5, status, calls });

function filled(): TraceCacheDb {
  const cache = TraceCacheDb.open(':memory:');
  cache.savePage([info('a', 300, 50), info('b', 200, null, 'ERROR'), info('c', 100, 10), info('d', 400, 70)], null);
  const read = (traceId: string, spans: CachedSpan[]) => ({ traceId, usage: null, byModel: [], spans });
  cache.saveSpans([
    read('a', [span('agent', 'AGENT', 'OK', null), span('Completions', 'CHAT_MODEL', 'OK', 'gpt-4o')]),
    read('b', [span('search', 'TOOL', 'ERROR', null), span('Completions', 'CHAT_MODEL', 'OK', 'claude-3-7-sonnet-20250219')]),
    read('c', [span('lookup', 'TOOL', 'UNSET', 'gpt-4o-mini')]),
  ]);
  return cache;
}

const newest: TraceSort = { by: 'timestamp', order: 'desc' };
const search = (cache: TraceCacheDb, filter: TraceFilter, sort = newest, offset = 0, limit = 10) =>
  cache.spanSearch({ experimentIds: ['1'], filter, sort, offset, limit });

describe('span filters over the trace cache', () => {
  it('matches name, type, model and status on one span', () => {
    db = filled();
    expect(search(db, { span: { type: 'chat_model', model: 'GPT-4%' } }).traceIds).toEqual(['a']);
    expect(search(db, { span: { model: 'gpt-4o%' } }).traceIds).toEqual(['a', 'c']);
    expect(search(db, { span: { type: 'TOOL', status: 'ERROR' } }).traceIds).toEqual(['b']);
    expect(search(db, { span: { status: 'UNSET' } }).traceIds).toEqual(['c']);
    expect(search(db, { span: { name: 'complet%' } }).traceIds).toEqual(['a', 'b']);
    // b has a TOOL span and a claude span, never one span that is both.
    expect(search(db, { span: { type: 'TOOL', model: 'claude%' } }).traceIds).toEqual([]);
  });

  it('applies the trace conditions it knows and says how many traces are still unread', () => {
    db = filled();
    const page = search(db, { states: ['OK'], user: 'ana', fromMs: 50, toMs: 100, span: { type: 'TOOL' } });
    expect(page).toEqual({ traceIds: ['c'], more: false, pending: 1 });
    expect(search(db, { minTokens: 20, span: { name: '%' } }).traceIds).toEqual(['a']);
  });

  it('pages in the asked order, traces without a stored total last', () => {
    db = filled();
    const all: TraceFilter = { span: { name: '%' } };
    expect(search(db, all, { by: 'timestamp', order: 'asc' }, 0, 2)).toEqual({ traceIds: ['c', 'b'], more: true, pending: 1 });
    expect(search(db, all, { by: 'timestamp', order: 'asc' }, 2, 2)).toEqual({ traceIds: ['a'], more: false, pending: 1 });
    expect(search(db, all, { by: 'tokens', order: 'asc' }).traceIds).toEqual(['c', 'a', 'b']);
    expect(search(db, all, { by: 'tokens', order: 'desc' }).traceIds).toEqual(['a', 'c', 'b']);
  });

  it('marks traces whose span rows lack status and called model as unread, so their spans are read again', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'stratus-trace-cache-v3-')), 'cache.sqlite');
    const old = new Database(file);
    for (const step of TRACE_CACHE_MIGRATIONS.slice(0, 3)) old.exec(step);
    old.prepare("INSERT INTO traces (trace_id, experiment_id, timestamp_ms, state, spans) VALUES ('a', '1', 1, 'OK', 1), ('b', '1', 2, 'OK', 2)").run();
    old.prepare("INSERT INTO trace_spans (trace_id, name, span_type, model, error, duration_ms) VALUES ('a', 'x', 'TOOL', null, 0, 1)").run();
    old.pragma('user_version = 3');
    old.close();
    db = TraceCacheDb.open(file);
    expect(db.pendingSpans(10)).toEqual(['a']);
    expect(search(db, { span: { type: 'TOOL' } })).toEqual({ traceIds: [], more: false, pending: 1 });
  });
});
