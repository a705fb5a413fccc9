import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { TraceCacheDb, type CachedInfo } from '../../electron/mlflow/trace-cache/cache-db.js';
import { fileSpanResult } from '../../electron/mlflow/trace-cache/file-traces.js';
import { TRACE_CACHE_MIGRATIONS } from '../../electron/mlflow/trace-cache/migrations.js';
import { spansFromTraceJson } from '../../electron/mlflow/spans.js';

// The trace cache's span rows from every traces.json the trace view reads: MLflow 2's span JSON
// (start_time, end_time, context.span_id, status_code) and spans under "data" give the same rows
// (name, type, status, model, exact duration) as MLflow 3's, so a file store's span filter answered
// from the cache matches what reading the traces.json matches; caches written before are read again.

let db: TraceCacheDb | undefined;
afterEach(() => db?.close());

const info: CachedInfo = { traceId: 'tr-1', experimentId: '1', timestampMs: 1, durationMs: 5, state: 'OK', name: null, user: null, session: null, stored: null };

/** Epoch nanoseconds past 2^53, 1.5 ms apart: as JSON numbers they would lose the half millisecond's digits. */
const START = '1763900000123456789';
const END = '1763900000124956789';

const mlflow2 = JSON.stringify({
  spans: [
    {
      name: 'ChatOpenAI',
      context: { span_id: '0x5e1f0a7b3c2d4e6f', trace_id: '0x0af7651916cd43dd8448eb211c80319c' },
      parent_id: null,
      status_code: 'ERROR',
      status_message: 'rate limited',
      attributes: { 'mlflow.spanType': '"CHAT_MODEL"', 'mlflow.spanInputs': '{"model": "gpt-4o", "messages": []}' },
      events: [],
    },
  ],
}).replace('"events":[]', `"start_time":${START},"end_time":${END},"events":[]`);

describe('trace cache span rows from MLflow 2 traces.json', () => {
  it('keeps the span with its name, type, status, model and exact duration, as the trace view reads it', () => {
    const [viewed] = spansFromTraceJson(mlflow2);
    const result = fileSpanResult({ info, json: mlflow2, problem: null });
    expect('spans' in result && result.spans).toEqual([
      { name: viewed.name, type: viewed.type, model: null, error: true, durationMs: 1.5, status: viewed.status, calls: viewed.model },
    ]);
    expect([viewed.type, viewed.status, viewed.model]).toEqual(['CHAT_MODEL', 'ERROR', 'gpt-4o']);
  });

  it('reads spans under "data" as the trace view does, and leaves out a span without an id', () => {
    const span = JSON.parse(mlflow2).spans[0] as Record<string, unknown>;
    const nested = JSON.stringify({ data: { spans: [span, { ...span, context: {}, name: 'no id' }] } }).replace(/"events":\[\]/g, `"start_time":${START},"end_time":${END},"events":[]`);
    const result = fileSpanResult({ info, json: nested, problem: null });
    expect('spans' in result && result.spans.map((s) => s.name)).toEqual(spansFromTraceJson(nested).map((s) => s.name));
    expect('spans' in result && result.spans.map((s) => s.name)).toEqual(['ChatOpenAI']);
  });

  it('marks traces read before without span rows, or without a span list, as unread', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'stratus-trace-cache-v5-')), 'cache.sqlite');
    const old = new Database(file);
    for (const step of TRACE_CACHE_MIGRATIONS.slice(0, 5)) old.exec(step);
    old
      .prepare(
        `INSERT INTO traces (trace_id, experiment_id, timestamp_ms, state, spans, span_problem) VALUES
        ('rows', '1', 4, 'OK', 1, null), ('none', '1', 3, 'OK', 1, null), ('data', '1', 2, 'OK', 2, 'traces.json holds no span list ("spans").'), ('gone', '1', 1, 'OK', 2, 'Could not read traces.json')`,
      )
      .run();
    old.prepare("INSERT INTO trace_spans (trace_id, name, span_type, model, error, duration_ms, status, calls) VALUES ('rows', 'x', 'TOOL', null, 0, 1, 'OK', null)").run();
    // Step 6 alone (later steps read every trace again for other reasons).
    old.exec(TRACE_CACHE_MIGRATIONS[5]);
    expect(old.prepare('SELECT trace_id FROM traces WHERE spans = 0 ORDER BY timestamp_ms DESC').pluck().all()).toEqual(['none', 'data']);
    old.pragma('user_version = 6');
    old.close();
    db = TraceCacheDb.open(file);
    expect(db.spanProblems(null, 10)).toEqual([{ traceId: 'gone', problem: 'Could not read traces.json' }]);
  });
});
