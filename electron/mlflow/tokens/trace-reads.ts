import type Database from 'better-sqlite3';
import { parseStoredUsage, spanCacheUsage } from '../../../shared/token-usage.js';
import { spanModel, type SpanUsage } from './trace-usage.js';

// Reading what the token cache derives from an MLflow sqlite store: each trace's user, session,
// stored total and name, and its spans' usage. Few traces are looked up one by one; many are read
// in one pass over the tables, in short statements so MLflow can write between them.

const USER_KEY = 'mlflow.trace.user';
const SESSION_KEY = 'mlflow.trace.session';
const STORED_USAGE_KEY = 'mlflow.trace.tokenUsage';
const NAME_TAG = 'mlflow.traceName';
/** Above this many traces to read, one scan of the spans table beats a lookup per trace. */
const BULK_THRESHOLD = 2000;
/** Spans per statement of a bulk read (~0.1 s each). */
const SPAN_CHUNK = 20_000;

/**
 * Spans that do not mention usage are skipped by a substring test before any JSON parsing. The
 * request and response (large) are only extracted when the span has no `model` attribute; SQLite
 * keeps the parsed content between the json_extract calls of one row.
 */
const USES = `instr(content, '"mlflow.chat.tokenUsage"') > 0`;
/** The response is read for its cache counts only when one of their names occurs in the span. */
const CACHES = `(instr(content, 'cached_tokens') > 0 OR instr(content, 'cache_read_input_tokens') > 0 OR instr(content, 'cache_creation_input_tokens') > 0)`;
const SPAN_COLUMNS = `trace_id, span_id, parent_span_id,
  CASE WHEN ${USES} THEN json_extract(content, '$.attributes."mlflow.chat.tokenUsage"', '$.attributes.model') END,
  CASE WHEN ${USES} AND json_extract(content, '$.attributes.model') IS NULL
    THEN json_extract(content, '$.attributes."mlflow.spanInputs"', '$.attributes."mlflow.spanOutputs"') END,
  CASE WHEN ${USES} AND ${CACHES} THEN json_extract(content, '$.attributes."mlflow.spanOutputs"') END,
  type, status, (end_time_unix_nano - start_time_unix_nano) / 1e6`;

type SpanRow = [
  traceId: string,
  spanId: string,
  parentId: string | null,
  usageAndModel: string | null,
  requestAndResponse: string | null,
  response: unknown,
  type: string | null,
  status: string | null,
  durationMs: number | null,
];
export type TraceRow = [traceId: string, experimentId: string | number, timestampMs: number, status: string, durationMs: number | null];
/** What a sync reads of trace_info, in TraceRow's order. */
export const TRACE_COLUMNS = 'request_id, experiment_id, timestamp_ms, status, execution_time_ms';

/** A span's usage and its timing, for the latency figures. */
export interface SpanRead extends SpanUsage {
  type: string | null;
  error: boolean;
  /** Null while the span has not ended. */
  durationMs: number | null;
}

export interface TraceFacts {
  user: string | null;
  session: string | null;
  stored: string | null;
  name: string | null;
}

function spanUsage(row: SpanRow): SpanRead {
  const spanId = row[1];
  const parentId = row[2];
  const timing = { type: row[6], error: row[7] === 'ERROR', durationMs: row[8] };
  if (row[3] === null) return { spanId, parentId, usage: null, model: null, cache: null, ...timing };
  const [usageText, model] = JSON.parse(row[3]) as unknown[];
  const usage = usageText === null || usageText === undefined ? null : parseStoredUsage(usageText);
  if (usage === null) return { spanId, parentId, usage, model: null, cache: null, ...timing };
  const [inputs, outputs] = row[4] === null ? [] : (JSON.parse(row[4]) as unknown[]);
  const cache = row[5] === null ? null : spanCacheUsage(row[5]);
  return { spanId, parentId, usage, model: spanModel({ model, 'mlflow.spanInputs': inputs, 'mlflow.spanOutputs': outputs }), cache, ...timing };
}

function bulkFacts(source: Database.Database, todo: Map<string, TraceRow>): Map<string, TraceFacts> {
  const facts = new Map<string, TraceFacts>();
  const of = (id: string) => {
    let f = facts.get(id);
    if (!f) facts.set(id, (f = { user: null, session: null, stored: null, name: null }));
    return f;
  };
  const meta = source.prepare('SELECT request_id, key, value FROM trace_request_metadata WHERE key IN (?, ?, ?)').raw();
  for (const [id, key, value] of meta.iterate(USER_KEY, SESSION_KEY, STORED_USAGE_KEY) as Iterable<[string, string, string | null]>) {
    if (!todo.has(id)) continue;
    const f = of(id);
    if (key === USER_KEY) f.user = value;
    else if (key === SESSION_KEY) f.session = value;
    else f.stored = value;
  }
  for (const [id, value] of source.prepare('SELECT request_id, value FROM trace_tags WHERE key = ?').raw().iterate(NAME_TAG) as Iterable<[string, string | null]>) {
    if (todo.has(id)) of(id).name = value;
  }
  return facts;
}

function lookupFacts(source: Database.Database, todo: Map<string, TraceRow>): Map<string, TraceFacts> {
  const meta = source.prepare('SELECT key, value FROM trace_request_metadata WHERE request_id = ? AND key IN (?, ?, ?)').raw();
  const tag = source.prepare('SELECT value FROM trace_tags WHERE request_id = ? AND key = ?').pluck();
  const facts = new Map<string, TraceFacts>();
  for (const id of todo.keys()) {
    const f: TraceFacts = { user: null, session: null, stored: null, name: (tag.get(id, NAME_TAG) as string | null | undefined) ?? null };
    for (const [key, value] of meta.all(id, USER_KEY, SESSION_KEY, STORED_USAGE_KEY) as [string, string | null][]) {
      if (key === USER_KEY) f.user = value;
      else if (key === SESSION_KEY) f.session = value;
      else f.stored = value;
    }
    facts.set(id, f);
  }
  return facts;
}

function bulkSpans(source: Database.Database, todo: Map<string, TraceRow>): Map<string, SpanRead[]> {
  const spans = new Map<string, SpanRead[]>();
  // In rowid chunks, each a short statement, so MLflow can write between them.
  const chunk = source.prepare(`SELECT rowid, ${SPAN_COLUMNS} FROM spans WHERE rowid > ? ORDER BY rowid LIMIT ${SPAN_CHUNK}`).raw();
  for (let after = -Infinity; ; ) {
    const rows = chunk.all(after) as [number, ...SpanRow][];
    for (const [, ...row] of rows) {
      if (!todo.has(row[0])) continue;
      const list = spans.get(row[0]);
      if (list) list.push(spanUsage(row));
      else spans.set(row[0], [spanUsage(row)]);
    }
    if (rows.length < SPAN_CHUNK) return spans;
    after = rows[rows.length - 1][0];
  }
}

function lookupSpans(source: Database.Database, todo: Map<string, TraceRow>): Map<string, SpanRead[]> {
  const query = source.prepare(`SELECT ${SPAN_COLUMNS} FROM spans WHERE trace_id = ?`).raw();
  const spans = new Map<string, SpanRead[]>();
  for (const id of todo.keys()) spans.set(id, (query.all(id) as SpanRow[]).map(spanUsage));
  return spans;
}

/** The facts and span usage of the traces in `todo`; spans only when the store has a spans table. */
export function readTraces(source: Database.Database, todo: Map<string, TraceRow>, hasSpans: boolean): { facts: Map<string, TraceFacts>; spans: Map<string, SpanRead[]> } {
  const bulk = todo.size > BULK_THRESHOLD;
  const facts = bulk ? bulkFacts(source, todo) : lookupFacts(source, todo);
  const spans = !hasSpans ? new Map<string, SpanRead[]>() : bulk ? bulkSpans(source, todo) : lookupSpans(source, todo);
  return { facts, spans };
}
