import type Database from 'better-sqlite3';
import type { TokensDayModel, TokensLatency } from '../../../shared/schemas/mlflow-tokens.js';
import type { SummaryFilter } from './aggregate.js';
import { latencyOf, type SpanTiming, type TraceTiming } from './latency.js';
import { DAY_MS, dayLabel, DEFAULT_TOP_N, MAX_GROUP_ROWS, MAX_MISMATCH_IDS, type SummaryParts } from './summary.js';
import { partsFromRows, type GroupRow, type ModelRow, type TopTraceRow } from './summary-rows.js';

// What a token summary asks of the cache: a few SQL aggregates over the per-day rollups for the
// whole days of the range, and over the trace rows for the partial days at its ends.

const EXPERIMENTS = 'experiment_id IN (SELECT value FROM json_each(@experiments))';
const FILTER = `${EXPERIMENTS} AND timestamp_ms >= @from AND timestamp_ms < @to`;
/** The two partial days at the ends of the range (empty when the range is whole days), one index range each. */
const EDGE_1 = 'timestamp_ms >= @lo1 AND timestamp_ms < @hi1';
const EDGE_2 = 'timestamp_ms >= @lo2 AND timestamp_ms < @hi2';

/** The per-day-per-model series alone (what the chart needs first). */
export function dayModelTotals(db: Database.Database, filter: SummaryFilter): TokensDayModel[] {
  const rows = db
    .prepare(`SELECT day, model, sum(input), sum(output), sum(total), sum(traces) FROM (${modelUnion('day, model')}) GROUP BY day, model`)
    .raw()
    .all(params(filter)) as [number, string | null, number, number, number, number][];
  return rows.map(([day, model, input, output, total, traces]) => ({ day: dayLabel(day), model, input, output, total, traces }));
}

export function summaryParts(db: Database.Database, filter: SummaryFilter): SummaryParts {
  const p = params(filter);
  const [traces, withUsage, input, output, total] = db
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
  const models = db
    .prepare(
      `SELECT model, sum(input), sum(output), sum(total), sum(traces), sum(cache_read), sum(cache_write), sum(cache_in_input) FROM (${modelUnion('model')}) GROUP BY model`,
    )
    .raw()
    .all(p) as ModelRow[];
  const users = groups(db, 'user', p);
  const sessions = groups(db, 'session', p);
  const totals = Float64Array.from(db.prepare(`SELECT total FROM traces WHERE ${FILTER} AND total IS NOT NULL`).pluck().all(p) as number[]).sort();
  const top = db
    .prepare(
      // The ranking runs on the covering index; only the chosen rows are read from the table.
      `SELECT trace_id, experiment_id, name, timestamp_ms, model, input, output, total FROM traces WHERE trace_id IN (
         SELECT trace_id FROM traces WHERE ${FILTER} AND total IS NOT NULL ORDER BY total DESC, timestamp_ms DESC, trace_id LIMIT @top)`,
    )
    .raw()
    .all({ ...p, top: filter.topN ?? DEFAULT_TOP_N }) as TopTraceRow[];
  const mismatchCount = db.prepare(`SELECT count(*) FROM traces WHERE ${FILTER} AND mismatch = 1`).pluck().get(p) as number;
  const mismatchIds = db
    .prepare(`SELECT trace_id FROM traces WHERE ${FILTER} AND mismatch = 1 ORDER BY timestamp_ms DESC, trace_id LIMIT ${MAX_MISMATCH_IDS}`)
    .pluck()
    .all(p) as string[];
  return partsFromRows({
    totals: { input, output, total, traces, tracesWithUsage: withUsage },
    days: dayModelTotals(db, filter),
    models,
    users,
    sessions,
    perTrace: totals,
    top,
    mismatchCount,
    mismatchIds,
  });
}

/** Latency and errors of the selection: its rows streamed into latencyOf. */
export function latencyFigures(db: Database.Database, filter: SummaryFilter): TokensLatency {
  const p = params(filter);
  const traces = db.prepare(`SELECT timestamp_ms, duration_ms, status FROM traces WHERE ${FILTER} AND status IN ('OK', 'ERROR')`).raw();
  const spans = db.prepare(`SELECT span_type, model, duration_ms, error FROM span_latency WHERE ${FILTER}`).raw();
  function* traceRows(): Generator<TraceTiming> {
    for (const [timestamp, durationMs, status] of traces.iterate(p) as Iterable<[number, number | null, string]>) yield { timestamp, durationMs, status };
  }
  function* spanRows(): Generator<SpanTiming> {
    for (const [type, model, durationMs, error] of spans.iterate(p) as Iterable<[string | null, string | null, number, number]>) yield { type, model, durationMs, error: error === 1 };
  }
  return latencyOf(traceRows(), spanRows());
}

/** The largest groups (by total tokens) of traces with usage, and how many groups there are. */
function groups(db: Database.Database, column: 'user' | 'session', p: Record<string, unknown>) {
  const rows = db
    .prepare(
      `SELECT ${column}, sum(input) AS i, sum(output), sum(total) AS t, count(*), count(*) OVER () FROM traces
       WHERE ${FILTER} AND total IS NOT NULL GROUP BY ${column} ORDER BY t DESC, ${column} IS NULL, ${column} LIMIT ${MAX_GROUP_ROWS}`,
    )
    .raw()
    .all(p) as [...GroupRow, number][];
  return { rows: rows.map((r) => r.slice(0, 5) as GroupRow), count: rows[0]?.[5] ?? 0 };
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
  const sums = 'input, output, total, cache_read, cache_write, cache_in_input';
  return `SELECT ${columns}, ${sums}, traces FROM day_models WHERE ${EXPERIMENTS} AND day >= @fullFrom AND day < @fullTo
    UNION ALL
    SELECT ${columns}, ${sums}, 1 FROM trace_models WHERE ${EXPERIMENTS} AND ${EDGE_1}
    UNION ALL
    SELECT ${columns}, ${sums}, 1 FROM trace_models WHERE ${EXPERIMENTS} AND ${EDGE_2}`;
}
