import type Database from 'better-sqlite3';
import type { SummaryFilter } from '../tokens/aggregate.js';
import { DAY_MS, dayLabel, DEFAULT_TOP_N, MAX_GROUP_ROWS, MAX_MISMATCH_IDS, type SummaryParts } from '../tokens/summary.js';
import { partsFromRows, type GroupRow, type ModelRow, type Sums, type TopTraceRow } from '../tokens/summary-rows.js';

// The token summary of the trace cache as SQL aggregates (as tokens/usage-queries.ts does for the
// sqlite usage cache): building a record per trace and summing them in JS took most of a summary's
// time. The rules are those of TraceCacheDb.records + summarizeRecords, which tests compare with:
// a trace whose spans were read counts their usage split by model (trace_models); any other counts
// MLflow's stored total on an unknown model; usage is null unless all three counts are known.

// The selection is copied once into narrow temp tables: each scan of the wide cached rows (prompt
// texts beside the counts) costs more than all the aggregates over the copy.
const TABLES = `
  CREATE TEMP TABLE IF NOT EXISTS summary_traces (
    trace_id TEXT NOT NULL, experiment_id TEXT NOT NULL, name TEXT, timestamp_ms INTEGER NOT NULL, day INTEGER NOT NULL,
    user TEXT, session TEXT, spans INTEGER NOT NULL, ui INTEGER, uo INTEGER, ut INTEGER, has INTEGER NOT NULL, mismatch INTEGER NOT NULL);
  CREATE TEMP TABLE IF NOT EXISTS summary_models (
    day INTEGER NOT NULL, model TEXT, input INTEGER, output INTEGER, total INTEGER, cache_read INTEGER, cache_write INTEGER, cache_in_input INTEGER);
  DELETE FROM temp.summary_traces; DELETE FROM temp.summary_models;`;

/** Floor division (the UTC day of summary.ts dayNumber), also before 1970 where SQLite's `/` truncates. */
const DAY = `CASE WHEN timestamp_ms >= 0 THEN timestamp_ms / ${DAY_MS} ELSE (timestamp_ms + 1) / ${DAY_MS} - 1 END`;

/** MLflow stored a total and the counted one differs (or is unknown): shared/token-usage.ts usageMismatch. */
const MISMATCH = 'si IS NOT NULL AND so IS NOT NULL AND st IS NOT NULL AND NOT (has AND ui IS si AND uo IS so AND ut IS st)';

const FILL_TRACES = `
  INSERT INTO temp.summary_traces
  SELECT trace_id, experiment_id, name, timestamp_ms, day, user, session, spans, ui, uo, ut, has, ${MISMATCH} FROM (
    SELECT *, ui IS NOT NULL AND uo IS NOT NULL AND ut IS NOT NULL AS has FROM (
      SELECT trace_id, experiment_id, name, timestamp_ms, ${DAY} AS day, user, session, spans,
        CASE WHEN spans = 1 THEN input ELSE stored_input END AS ui,
        CASE WHEN spans = 1 THEN output ELSE stored_output END AS uo,
        CASE WHEN spans = 1 THEN total ELSE stored_total END AS ut,
        stored_input AS si, stored_output AS so, stored_total AS st
      FROM traces
      WHERE experiment_id IN (SELECT value FROM json_each(@experiments)) AND timestamp_ms >= @from AND timestamp_ms < @to))`;

/** One row per (trace with usage, model): its read per-model split, or its stored total on an unknown model. */
const FILL_MODELS = `
  INSERT INTO temp.summary_models
  SELECT s.day, m.model, m.input, m.output, m.total, m.cache_read, m.cache_write, m.cache_in_input
    FROM temp.summary_traces s JOIN trace_models m USING (trace_id) WHERE s.has AND s.spans = 1
  UNION ALL
  SELECT day, NULL, ui, uo, ut, 0, 0, 0 FROM temp.summary_traces WHERE has AND spans <> 1`;

export function cacheSummaryParts(db: Database.Database, filter: SummaryFilter): SummaryParts {
  const p = {
    experiments: JSON.stringify(filter.experimentIds),
    from: filter.from ?? Number.MIN_SAFE_INTEGER,
    to: filter.to ?? Number.MAX_SAFE_INTEGER,
  };
  // One transaction: every figure of the summary reads the same state of the cache.
  return db.transaction(() => {
    db.exec(TABLES);
    db.prepare(FILL_TRACES).run(p);
    db.exec(FILL_MODELS);
    try {
      return aggregates(db, filter.topN ?? DEFAULT_TOP_N);
    } finally {
      db.exec('DELETE FROM temp.summary_traces; DELETE FROM temp.summary_models;');
    }
  })();
}

function aggregates(db: Database.Database, topN: number): SummaryParts {
  const query = (sql: string) => db.prepare(sql).raw();
  const [traces, withUsage, input, output, total] = query(
    `SELECT count(*), coalesce(sum(has), 0), coalesce(sum(ui) FILTER (WHERE has), 0), coalesce(sum(uo) FILTER (WHERE has), 0),
       coalesce(sum(ut) FILTER (WHERE has), 0) FROM temp.summary_traces`,
  ).get() as number[];
  const days = query('SELECT day, model, sum(input), sum(output), sum(total), count(*) FROM temp.summary_models GROUP BY day, model').all() as [number, string | null, ...Sums][];
  const models = query(
    'SELECT model, sum(input), sum(output), sum(total), count(*), sum(cache_read), sum(cache_write), sum(cache_in_input) FROM temp.summary_models GROUP BY model',
  ).all() as ModelRow[];
  const users = groups(db, 'user');
  const sessions = groups(db, 'session');
  const perTrace = Float64Array.from(db.prepare('SELECT ut FROM temp.summary_traces WHERE has').pluck().all() as number[]).sort();
  // The model a top trace names is its largest share (saveSpans stores a trace's shares in that order).
  const top = query(
    `SELECT trace_id, experiment_id, name, timestamp_ms,
       CASE WHEN spans = 1 THEN (SELECT model FROM trace_models m WHERE m.trace_id = s.trace_id ORDER BY total DESC, rowid LIMIT 1) END,
       ui, uo, ut
     FROM temp.summary_traces s WHERE has ORDER BY ut DESC, timestamp_ms DESC, trace_id LIMIT ?`,
  ).all(topN) as TopTraceRow[];
  const mismatchCount = db.prepare('SELECT count(*) FROM temp.summary_traces WHERE mismatch').pluck().get() as number;
  const mismatchIds = db
    .prepare(`SELECT trace_id FROM temp.summary_traces WHERE mismatch ORDER BY timestamp_ms DESC, trace_id LIMIT ${MAX_MISMATCH_IDS}`)
    .pluck()
    .all() as string[];
  return partsFromRows({
    totals: { input, output, total, traces, tracesWithUsage: withUsage },
    days: days.map(([day, model, i, o, t, n]) => ({ day: dayLabel(day), model, input: i, output: o, total: t, traces: n })),
    models,
    users,
    sessions,
    perTrace,
    top,
    mismatchCount,
    mismatchIds,
  });
}

/** The largest groups (by total tokens) of traces with usage, and how many groups there are. */
function groups(db: Database.Database, column: 'user' | 'session') {
  const rows = db
    .prepare(
      `SELECT ${column}, sum(ui), sum(uo), sum(ut) AS t, count(*), count(*) OVER () FROM temp.summary_traces WHERE has
       GROUP BY ${column} ORDER BY t DESC, ${column} IS NULL, ${column} LIMIT ${MAX_GROUP_ROWS}`,
    )
    .raw()
    .all() as [...GroupRow, number][];
  return { rows: rows.map((r) => r.slice(0, 5) as GroupRow), count: rows[0]?.[5] ?? 0 };
}
