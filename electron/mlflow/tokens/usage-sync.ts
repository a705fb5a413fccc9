import Database from 'better-sqlite3';
import { parseStoredUsage, usageMismatch, type TokenUsage } from '../../../shared/token-usage.js';
import { DAY_MS, dayNumber } from './summary.js';
import { readTraces, TRACE_COLUMNS, type SpanRead, type TraceFacts, type TraceRow } from './trace-reads.js';
import { modelShare, traceUsage, type SpanUsage, type TraceUsage } from './trace-usage.js';

// Bringing the token cache up to date with an MLflow sqlite store. Finished traces (OK/ERROR)
// never change in MLflow, so a sync reads only traces that are new, unfinished or gone; a
// fingerprint of trace_info skips even that when nothing moved. The MLflow file is opened read-only.
// Traces whose spans are not in the spans table count MLflow's stored total (see usageOf).

const FINAL = new Set(['OK', 'ERROR']);

export interface SyncResult {
  /** Traces read from the MLflow store (new, unfinished or changed). */
  read: number;
  removed: number;
  /** Traces in the cache after the sync. */
  traces: number;
}

/** The MLflow file cannot be read as a tracking store: NOT_FOUND (missing, unreadable) or CORRUPT_DATA. */
export class SourceError extends Error {
  constructor(
    message: string,
    readonly code: 'NOT_FOUND' | 'CORRUPT_DATA',
  ) {
    super(message);
    this.name = 'SourceError';
  }
}

/**
 * A trace's usage from its spans. A trace without rows in the spans table (written by an MLflow
 * older than that table, which kept spans only in traces.json artifacts) counts MLflow's stored
 * total, on an unknown model, with nothing to compare it with.
 */
function usageOf(spans: SpanUsage[] | undefined, stored: TokenUsage | null): TraceUsage & { mismatch: boolean } {
  if (spans === undefined || spans.length === 0) return { usage: stored, byModel: stored ? [modelShare(null, stored)] : [], mismatch: false };
  const computed = traceUsage(spans);
  return { ...computed, mismatch: usageMismatch(computed.usage, stored) };
}

/**
 * What the cache holds of the source after a sync: the highest trace_info rowid read, and the
 * count and sum of start times of the cached traces (equal to the source's when in step).
 */
interface SourceState {
  maxRow: number;
  count: number;
  sumMs: number;
}

/** Brings the cache up to date with the MLflow sqlite store at `sourceFile`. */
export function syncUsage(db: Database.Database, sourceFile: string): SyncResult {
  let source: Database.Database;
  try {
    source = new Database(sourceFile, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new SourceError(`Cannot open the MLflow database ${sourceFile}: ${(err as Error).message}`, 'NOT_FOUND');
  }
  try {
    const tables = new Set(source.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
    for (const table of ['trace_info', 'trace_tags', 'trace_request_metadata']) {
      if (!tables.has(table)) {
        throw new SourceError(`${sourceFile} is not an MLflow tracking database with traces (no ${table} table).`, 'CORRUPT_DATA');
      }
    }
    // No read transaction around the whole sync: in MLflow's default rollback-journal mode a long
    // read would block MLflow's own writes. Reading in short statements is safe: what changes
    // meanwhile is new (read next time), unfinished (read again), or a deletion (caught by the count).
    return syncFrom(db, source, tables.has('spans'));
  } finally {
    source.close();
  }
}

function syncFrom(db: Database.Database, source: Database.Database, hasSpans: boolean): SyncResult {
  const [count, maxRow, sumMs] = source.prepare('SELECT count(*), coalesce(max(rowid), 0), coalesce(sum(timestamp_ms), 0) FROM trace_info').raw().get() as number[];
  const saved = db.prepare("SELECT value FROM sync_state WHERE key = 'source'").pluck().get() as string | undefined;
  const seen = saved === undefined ? undefined : (JSON.parse(saved) as SourceState);
  const unfinished = db.prepare('SELECT trace_id FROM traces WHERE final = 0').pluck().all() as string[];
  if (seen && unfinished.length === 0 && seen.count === count && seen.maxRow === maxRow && seen.sumMs === sumMs) return { read: 0, removed: 0, traces: count };
  let read = 0;
  let removed = 0;
  if (seen) {
    // Rows past the last rowid seen are new; unfinished ones may have ended or been deleted.
    const todo = new Map<string, TraceRow>();
    for (const row of source.prepare(`SELECT ${TRACE_COLUMNS} FROM trace_info WHERE rowid > ?`).raw().iterate(seen.maxRow) as Iterable<TraceRow>) {
      todo.set(row[0], row);
    }
    const byId = source.prepare(`SELECT ${TRACE_COLUMNS} FROM trace_info WHERE request_id = ?`).raw();
    const gone: string[] = [];
    for (const id of unfinished) {
      const row = byId.get(id) as TraceRow | undefined;
      if (row) todo.set(id, row);
      else gone.push(id);
    }
    const state = apply(db, source, todo, gone, maxRow, hasSpans);
    read += todo.size;
    removed += gone.length;
    // Other deletions (and a rowid reused after one) show as a different count or sum of start times.
    if (state.count === count && state.sumMs === sumMs) return { read, removed, traces: count };
  }
  const cached = new Map<string, string>();
  for (const [id, status, final] of db.prepare('SELECT trace_id, status, final FROM traces').raw().iterate() as Iterable<[string, string, number]>) {
    cached.set(id, final === 1 ? status : '');
  }
  const todo = new Map<string, TraceRow>();
  const present = new Set<string>();
  for (const row of source.prepare(`SELECT ${TRACE_COLUMNS} FROM trace_info`).raw().iterate() as Iterable<TraceRow>) {
    present.add(row[0]);
    if (cached.get(row[0]) !== row[3]) todo.set(row[0], row);
  }
  const gone = [...cached.keys()].filter((id) => !present.has(id));
  const state = apply(db, source, todo, gone, maxRow, hasSpans);
  return { read: read + todo.size, removed: removed + gone.length, traces: state.count };
}

/** Writes the traces read and removes the gone ones; answers what the cache then holds. */
function apply(db: Database.Database, source: Database.Database, todo: Map<string, TraceRow>, gone: string[], maxRow: number, hasSpans: boolean): SourceState {
  const { facts, spans } = readTraces(source, todo, hasSpans);
  return write(db, todo, facts, spans, gone, maxRow);
}

function write(db: Database.Database, todo: Map<string, TraceRow>, facts: Map<string, TraceFacts>, spans: Map<string, SpanRead[]>, gone: string[], maxRow: number): SourceState {
  const bucketOf = db.prepare('SELECT experiment_id, day FROM traces WHERE trace_id = ?').raw();
  const deleteTrace = db.prepare('DELETE FROM traces WHERE trace_id = ?');
  const deleteModels = db.prepare('DELETE FROM trace_models WHERE trace_id = ?');
  const deleteSpans = db.prepare('DELETE FROM span_latency WHERE trace_id = ?');
  const insertTrace = db.prepare(
    'INSERT INTO traces (trace_id, experiment_id, timestamp_ms, day, status, final, name, user, session, model, input, output, total, mismatch, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insertModel = db.prepare(
    'INSERT INTO trace_models (trace_id, experiment_id, timestamp_ms, day, model, input, output, total, cache_read, cache_write, cache_in_input) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insertSpan = db.prepare('INSERT INTO span_latency (trace_id, experiment_id, timestamp_ms, span_type, model, duration_ms, error) VALUES (?, ?, ?, ?, ?, ?, ?)');
  /** (experiment, day) buckets whose rollups must be rebuilt, as JSON [experiment, day]. */
  const touched = new Set<string>();
  const forget = (id: string) => {
    const bucket = bucketOf.get(id) as [string, number] | undefined;
    if (!bucket) return;
    touched.add(JSON.stringify(bucket));
    deleteModels.run(id);
    deleteSpans.run(id);
    deleteTrace.run(id);
  };
  return db.transaction(() => {
    for (const id of gone) forget(id);
    for (const [id, [, experiment, timestampMs, status, durationMs]] of todo) {
      forget(id);
      const f = facts.get(id) ?? { user: null, session: null, stored: null, name: null };
      const stored: TokenUsage | null = f.stored === null ? null : parseStoredUsage(f.stored);
      const { usage, byModel, mismatch } = usageOf(spans.get(id), stored);
      const experimentId = String(experiment);
      const day = dayNumber(timestampMs);
      touched.add(JSON.stringify([experimentId, day]));
      insertTrace.run(id, experimentId, timestampMs, day, status, FINAL.has(status) ? 1 : 0, f.name, f.user, f.session, byModel[0]?.model ?? null,
        usage?.input ?? null, usage?.output ?? null, usage?.total ?? null, mismatch ? 1 : 0, durationMs);
      for (const m of byModel) insertModel.run(id, experimentId, timestampMs, day, m.model, m.input, m.output, m.total, m.cacheRead, m.cacheWrite, m.cacheInInput);
      for (const span of spans.get(id) ?? []) {
        if (span.durationMs !== null) insertSpan.run(id, experimentId, timestampMs, span.type, span.model, span.durationMs, span.error ? 1 : 0);
      }
    }
    rebuildRollups(db, touched);
    const [count, sumMs] = db.prepare('SELECT count(*), coalesce(sum(timestamp_ms), 0) FROM traces').raw().get() as number[];
    const state: SourceState = { maxRow, count, sumMs };
    db.prepare("INSERT OR REPLACE INTO sync_state (key, value) VALUES ('source', ?)").run(JSON.stringify(state));
    return state;
  })();
}

function rebuildRollups(db: Database.Database, touched: Set<string>): void {
  const range = 'experiment_id = @experiment AND timestamp_ms >= @lo AND timestamp_ms < @hi';
  const steps = [
    db.prepare('DELETE FROM day_models WHERE experiment_id = @experiment AND day = @day'),
    db.prepare(
      `INSERT INTO day_models (experiment_id, day, model, input, output, total, traces, cache_read, cache_write, cache_in_input)
       SELECT @experiment, @day, model, sum(input), sum(output), sum(total), count(*), sum(cache_read), sum(cache_write), sum(cache_in_input)
       FROM trace_models WHERE ${range} GROUP BY model`,
    ),
    db.prepare('DELETE FROM day_totals WHERE experiment_id = @experiment AND day = @day'),
    db.prepare(
      `INSERT INTO day_totals (experiment_id, day, traces, with_usage, input, output, total)
       SELECT @experiment, @day, count(*), count(total), coalesce(sum(input), 0), coalesce(sum(output), 0), coalesce(sum(total), 0)
       FROM traces WHERE ${range} HAVING count(*) > 0`,
    ),
  ];
  for (const key of touched) {
    const [experiment, day] = JSON.parse(key) as [string, number];
    const args = { experiment, day, lo: day * DAY_MS, hi: (day + 1) * DAY_MS };
    for (const step of steps) step.run(args);
  }
}
