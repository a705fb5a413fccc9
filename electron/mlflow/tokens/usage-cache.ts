import Database from 'better-sqlite3';
import type { TokensDayModel } from '../../../shared/schemas/mlflow-tokens.js';
import { parseStoredUsage, usageMismatch, type TokenUsage } from '../../../shared/token-usage.js';
import { migrate } from '../../core/migrate.js';
import { openPrivateDatabase } from '../../storage/private-database.js';
import { CACHE_MIGRATIONS } from './cache-migrations.js';
import type { SummaryFilter } from './aggregate.js';
import { DAY_MS, dayLabel, dayNumber, DEFAULT_TOP_N, MAX_GROUP_ROWS, MAX_MISMATCH_IDS, percentiles, type SummaryParts } from './summary.js';
import { spanModel, traceUsage, type SpanUsage, type TraceUsage } from './trace-usage.js';

// The derived per-trace token usage of one MLflow sqlite store, kept in the app's own database so a
// summary is a few SQL aggregates instead of parsing every span's JSON (a million spans take
// seconds). Finished traces (OK/ERROR) never change in MLflow, so a sync reads only traces that are
// new, unfinished or gone; a fingerprint of trace_info skips even that when nothing moved. The
// MLflow file is opened read-only. Synchronous: it runs in the token worker (cache-worker.ts).
// Traces whose spans are not in the spans table count MLflow's stored total (see usageOf).

const FINAL = new Set(['OK', 'ERROR']);
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
const SPAN_COLUMNS = `trace_id, span_id, parent_span_id,
  CASE WHEN ${USES} THEN json_extract(content, '$.attributes."mlflow.chat.tokenUsage"', '$.attributes.model') END,
  CASE WHEN ${USES} AND json_extract(content, '$.attributes.model') IS NULL
    THEN json_extract(content, '$.attributes."mlflow.spanInputs"', '$.attributes."mlflow.spanOutputs"') END`;

type SpanRow = [traceId: string, spanId: string, parentId: string | null, usageAndModel: string | null, requestAndResponse: string | null];
type TraceRow = [traceId: string, experimentId: string | number, timestampMs: number, status: string];

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

function spanUsage(row: SpanRow): SpanUsage {
  const spanId = row[1];
  const parentId = row[2];
  if (row[3] === null) return { spanId, parentId, usage: null, model: null };
  const [usageText, model] = JSON.parse(row[3]) as unknown[];
  const usage = usageText === null || usageText === undefined ? null : parseStoredUsage(usageText);
  if (usage === null) return { spanId, parentId, usage, model: null };
  const [inputs, outputs] = row[4] === null ? [] : (JSON.parse(row[4]) as unknown[]);
  return { spanId, parentId, usage, model: spanModel({ model, 'mlflow.spanInputs': inputs, 'mlflow.spanOutputs': outputs }) };
}

/**
 * A trace's usage from its spans. A trace without rows in the spans table (written by an MLflow
 * older than that table, which kept spans only in traces.json artifacts) counts MLflow's stored
 * total, on an unknown model, with nothing to compare it with.
 */
function usageOf(spans: SpanUsage[] | undefined, stored: TokenUsage | null): TraceUsage & { mismatch: boolean } {
  if (spans === undefined || spans.length === 0) return { usage: stored, byModel: stored ? [{ model: null, ...stored }] : [], mismatch: false };
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

interface TraceFacts {
  user: string | null;
  session: string | null;
  stored: string | null;
  name: string | null;
}

const EXPERIMENTS = 'experiment_id IN (SELECT value FROM json_each(@experiments))';
const FILTER = `${EXPERIMENTS} AND timestamp_ms >= @from AND timestamp_ms < @to`;
/** The two partial days at the ends of the range (empty when the range is whole days), one index range each. */
const EDGE_1 = 'timestamp_ms >= @lo1 AND timestamp_ms < @hi1';
const EDGE_2 = 'timestamp_ms >= @lo2 AND timestamp_ms < @hi2';

export class UsageCache {
  private constructor(
    private readonly db: Database.Database,
    readonly file: string,
  ) {}

  static open(file: string): UsageCache {
    const db = openPrivateDatabase(file);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('foreign_keys = ON');
      migrate(db, { name: 'The token usage cache' }, file, CACHE_MIGRATIONS);
    } catch (err) {
      db.close();
      throw err;
    }
    return new UsageCache(db, file);
  }

  close(): void {
    this.db.close();
  }

  /** Brings the cache up to date with the MLflow sqlite store at `sourceFile`. */
  sync(sourceFile: string): SyncResult {
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
      return this.syncFrom(source, tables.has('spans'));
    } finally {
      source.close();
    }
  }

  private syncFrom(source: Database.Database, hasSpans: boolean): SyncResult {
    const [count, maxRow, sumMs] = source.prepare('SELECT count(*), coalesce(max(rowid), 0), coalesce(sum(timestamp_ms), 0) FROM trace_info').raw().get() as number[];
    const saved = this.db.prepare("SELECT value FROM sync_state WHERE key = 'source'").pluck().get() as string | undefined;
    const seen = saved === undefined ? undefined : (JSON.parse(saved) as SourceState);
    const unfinished = this.db.prepare('SELECT trace_id FROM traces WHERE final = 0').pluck().all() as string[];
    if (seen && unfinished.length === 0 && seen.count === count && seen.maxRow === maxRow && seen.sumMs === sumMs) return { read: 0, removed: 0, traces: count };
    let read = 0;
    let removed = 0;
    if (seen) {
      // Rows past the last rowid seen are new; unfinished ones may have ended or been deleted.
      const todo = new Map<string, TraceRow>();
      for (const row of source.prepare('SELECT request_id, experiment_id, timestamp_ms, status FROM trace_info WHERE rowid > ?').raw().iterate(seen.maxRow) as Iterable<TraceRow>) {
        todo.set(row[0], row);
      }
      const byId = source.prepare('SELECT request_id, experiment_id, timestamp_ms, status FROM trace_info WHERE request_id = ?').raw();
      const gone: string[] = [];
      for (const id of unfinished) {
        const row = byId.get(id) as TraceRow | undefined;
        if (row) todo.set(id, row);
        else gone.push(id);
      }
      const state = this.apply(source, todo, gone, maxRow, hasSpans);
      read += todo.size;
      removed += gone.length;
      // Other deletions (and a rowid reused after one) show as a different count or sum of start times.
      if (state.count === count && state.sumMs === sumMs) return { read, removed, traces: count };
    }
    const cached = new Map<string, string>();
    for (const [id, status, final] of this.db.prepare('SELECT trace_id, status, final FROM traces').raw().iterate() as Iterable<[string, string, number]>) {
      cached.set(id, final === 1 ? status : '');
    }
    const todo = new Map<string, TraceRow>();
    const present = new Set<string>();
    for (const row of source.prepare('SELECT request_id, experiment_id, timestamp_ms, status FROM trace_info').raw().iterate() as Iterable<TraceRow>) {
      present.add(row[0]);
      if (cached.get(row[0]) !== row[3]) todo.set(row[0], row);
    }
    const gone = [...cached.keys()].filter((id) => !present.has(id));
    const state = this.apply(source, todo, gone, maxRow, hasSpans);
    return { read: read + todo.size, removed: removed + gone.length, traces: state.count };
  }

  /** Writes the traces read and removes the gone ones; answers what the cache then holds. */
  private apply(source: Database.Database, todo: Map<string, TraceRow>, gone: string[], maxRow: number, hasSpans: boolean): SourceState {
    const bulk = todo.size > BULK_THRESHOLD;
    const facts = bulk ? this.bulkFacts(source, todo) : this.lookupFacts(source, todo);
    const spans = !hasSpans ? new Map<string, SpanUsage[]>() : bulk ? this.bulkSpans(source, todo) : this.lookupSpans(source, todo);
    return this.write(todo, facts, spans, gone, maxRow);
  }

  private bulkFacts(source: Database.Database, todo: Map<string, TraceRow>): Map<string, TraceFacts> {
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

  private lookupFacts(source: Database.Database, todo: Map<string, TraceRow>): Map<string, TraceFacts> {
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

  private bulkSpans(source: Database.Database, todo: Map<string, TraceRow>): Map<string, SpanUsage[]> {
    const spans = new Map<string, SpanUsage[]>();
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

  private lookupSpans(source: Database.Database, todo: Map<string, TraceRow>): Map<string, SpanUsage[]> {
    const query = source.prepare(`SELECT ${SPAN_COLUMNS} FROM spans WHERE trace_id = ?`).raw();
    const spans = new Map<string, SpanUsage[]>();
    for (const id of todo.keys()) spans.set(id, (query.all(id) as SpanRow[]).map(spanUsage));
    return spans;
  }

  private write(todo: Map<string, TraceRow>, facts: Map<string, TraceFacts>, spans: Map<string, SpanUsage[]>, gone: string[], maxRow: number): SourceState {
    const bucketOf = this.db.prepare('SELECT experiment_id, day FROM traces WHERE trace_id = ?').raw();
    const deleteTrace = this.db.prepare('DELETE FROM traces WHERE trace_id = ?');
    const deleteModels = this.db.prepare('DELETE FROM trace_models WHERE trace_id = ?');
    const insertTrace = this.db.prepare(
      'INSERT INTO traces (trace_id, experiment_id, timestamp_ms, day, status, final, name, user, session, model, input, output, total, mismatch) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const insertModel = this.db.prepare(
      'INSERT INTO trace_models (trace_id, experiment_id, timestamp_ms, day, model, input, output, total) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    /** (experiment, day) buckets whose rollups must be rebuilt, as JSON [experiment, day]. */
    const touched = new Set<string>();
    const forget = (id: string) => {
      const bucket = bucketOf.get(id) as [string, number] | undefined;
      if (!bucket) return;
      touched.add(JSON.stringify(bucket));
      deleteModels.run(id);
      deleteTrace.run(id);
    };
    return this.db.transaction(() => {
      for (const id of gone) forget(id);
      for (const [id, [, experiment, timestampMs, status]] of todo) {
        forget(id);
        const f = facts.get(id) ?? { user: null, session: null, stored: null, name: null };
        const stored: TokenUsage | null = f.stored === null ? null : parseStoredUsage(f.stored);
        const { usage, byModel, mismatch } = usageOf(spans.get(id), stored);
        const experimentId = String(experiment);
        const day = dayNumber(timestampMs);
        touched.add(JSON.stringify([experimentId, day]));
        insertTrace.run(id, experimentId, timestampMs, day, status, FINAL.has(status) ? 1 : 0, f.name, f.user, f.session, byModel[0]?.model ?? null,
          usage?.input ?? null, usage?.output ?? null, usage?.total ?? null, mismatch ? 1 : 0);
        for (const m of byModel) insertModel.run(id, experimentId, timestampMs, day, m.model, m.input, m.output, m.total);
      }
      this.rebuildRollups(touched);
      const [count, sumMs] = this.db.prepare('SELECT count(*), coalesce(sum(timestamp_ms), 0) FROM traces').raw().get() as number[];
      const state: SourceState = { maxRow, count, sumMs };
      this.db.prepare("INSERT OR REPLACE INTO sync_state (key, value) VALUES ('source', ?)").run(JSON.stringify(state));
      return state;
    })();
  }

  private rebuildRollups(touched: Set<string>): void {
    const range = 'experiment_id = @experiment AND timestamp_ms >= @lo AND timestamp_ms < @hi';
    const steps = [
      this.db.prepare('DELETE FROM day_models WHERE experiment_id = @experiment AND day = @day'),
      this.db.prepare(
        `INSERT INTO day_models (experiment_id, day, model, input, output, total, traces)
         SELECT @experiment, @day, model, sum(input), sum(output), sum(total), count(*) FROM trace_models WHERE ${range} GROUP BY model`,
      ),
      this.db.prepare('DELETE FROM day_totals WHERE experiment_id = @experiment AND day = @day'),
      this.db.prepare(
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

  /** The per-day-per-model series alone (what the chart needs first). */
  dayModelTotals(filter: SummaryFilter): TokensDayModel[] {
    const rows = this.db
      .prepare(`SELECT day, model, sum(input), sum(output), sum(total), sum(traces) FROM (${modelUnion('day, model')}) GROUP BY day, model`)
      .raw()
      .all(params(filter)) as [number, string | null, number, number, number, number][];
    return rows.map(([day, model, input, output, total, traces]) => ({ day: dayLabel(day), model, input, output, total, traces }));
  }

  summaryParts(filter: SummaryFilter): SummaryParts {
    const p = params(filter);
    const [traces, withUsage, input, output, total] = this.db
      .prepare(
        `SELECT coalesce(sum(traces), 0), coalesce(sum(with_usage), 0), coalesce(sum(input), 0), coalesce(sum(output), 0), coalesce(sum(total), 0) FROM (
           SELECT traces, with_usage, input, output, total FROM day_totals WHERE ${EXPERIMENTS} AND day >= @fullFrom AND day < @fullTo
           UNION ALL
           SELECT 1, total IS NOT NULL, coalesce(input, 0), coalesce(output, 0), coalesce(total, 0) FROM traces WHERE ${EXPERIMENTS} AND ${EDGE_1}
           UNION ALL
           SELECT 1, total IS NOT NULL, coalesce(input, 0), coalesce(output, 0), coalesce(total, 0) FROM traces WHERE ${EXPERIMENTS} AND ${EDGE_2})`,
      )
      .raw()
      .get(p) as number[];
    const models = this.db
      .prepare(`SELECT model, sum(input), sum(output), sum(total), sum(traces) FROM (${modelUnion('model')}) GROUP BY model`)
      .raw()
      .all(p) as [string | null, number, number, number, number][];
    const users = this.groups('user', p);
    const sessions = this.groups('session', p);
    const totals = Float64Array.from(this.db.prepare(`SELECT total FROM traces WHERE ${FILTER} AND total IS NOT NULL`).pluck().all(p) as number[]).sort();
    const top = this.db
      .prepare(
        // The ranking runs on the covering index; only the chosen rows are read from the table.
        `SELECT trace_id, experiment_id, name, timestamp_ms, model, input, output, total FROM traces WHERE trace_id IN (
           SELECT trace_id FROM traces WHERE ${FILTER} AND total IS NOT NULL ORDER BY total DESC, timestamp_ms DESC, trace_id LIMIT @top)`,
      )
      .raw()
      .all({ ...p, top: filter.topN ?? DEFAULT_TOP_N }) as [string, string, string | null, number, string | null, number, number, number][];
    const mismatchCount = this.db.prepare(`SELECT count(*) FROM traces WHERE ${FILTER} AND mismatch = 1`).pluck().get(p) as number;
    const mismatchIds = this.db
      .prepare(`SELECT trace_id FROM traces WHERE ${FILTER} AND mismatch = 1 ORDER BY timestamp_ms DESC, trace_id LIMIT ${MAX_MISMATCH_IDS}`)
      .pluck()
      .all(p) as string[];
    return {
      totals: { input, output, total, traces, tracesWithUsage: withUsage },
      days: this.dayModelTotals(filter),
      models: models.map(([model, i, o, t, n]) => ({ model, input: i, output: o, total: t, traces: n })),
      users: users.rows.map(([user, i, o, t, n]) => ({ user, input: i, output: o, total: t, traces: n })),
      userCount: users.count,
      sessions: sessions.rows.map(([session, i, o, t, n]) => ({ session, input: i, output: o, total: t, traces: n })),
      sessionCount: sessions.count,
      perTrace: percentiles(Array.from(totals)),
      topTraces: top.map(([traceId, experimentId, name, timestamp, model, i, o, t]) => ({ traceId, experimentId, name, timestamp, model, input: i, output: o, total: t })),
      mismatches: { count: mismatchCount, traceIds: mismatchIds },
    };
  }

  /** The largest groups (by total tokens) of traces with usage, and how many groups there are. */
  private groups(column: 'user' | 'session', p: Record<string, unknown>) {
    const rows = this.db
      .prepare(
        `SELECT ${column}, sum(input) AS i, sum(output), sum(total) AS t, count(*), count(*) OVER () FROM traces
         WHERE ${FILTER} AND total IS NOT NULL GROUP BY ${column} ORDER BY t DESC, ${column} IS NULL, ${column} LIMIT ${MAX_GROUP_ROWS}`,
      )
      .raw()
      .all(p) as [string | null, number, number, number, number, number][];
    return { rows: rows.map((r) => r.slice(0, 5) as [string | null, number, number, number, number]), count: rows[0]?.[5] ?? 0 };
  }
}

/** Whole UTC days of the range come from the rollups; the partial days at its ends from the rows. */
function params(filter: SummaryFilter): Record<string, unknown> {
  const from = filter.from ?? Number.MIN_SAFE_INTEGER;
  const to = filter.to ?? Number.MAX_SAFE_INTEGER;
  const fullFrom = filter.from === undefined ? Number.MIN_SAFE_INTEGER : Math.ceil(filter.from / DAY_MS);
  const fullTo = filter.to === undefined ? Number.MAX_SAFE_INTEGER : Math.floor(filter.to / DAY_MS);
  const edges =
    fullFrom < fullTo
      ? { lo1: from, hi1: filter.from === undefined ? from : fullFrom * DAY_MS, lo2: filter.to === undefined ? to : fullTo * DAY_MS, hi2: to }
      : { lo1: from, hi1: to, lo2: 0, hi2: 0 };
  return { experiments: JSON.stringify(filter.experimentIds), from, to, fullFrom, fullTo, ...edges };
}

function modelUnion(columns: string): string {
  return `SELECT ${columns}, input, output, total, traces FROM day_models WHERE ${EXPERIMENTS} AND day >= @fullFrom AND day < @fullTo
    UNION ALL
    SELECT ${columns}, input, output, total, 1 FROM trace_models WHERE ${EXPERIMENTS} AND ${EDGE_1}
    UNION ALL
    SELECT ${columns}, input, output, total, 1 FROM trace_models WHERE ${EXPERIMENTS} AND ${EDGE_2}`;
}
