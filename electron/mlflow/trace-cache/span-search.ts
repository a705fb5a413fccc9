import type Database from 'better-sqlite3';
import type { TraceFilter, TraceSort } from '../../../shared/schemas/mlflow.js';
import { spanExistsSql } from '../span-filter-sql.js';

// A trace search whose span conditions (name, type, model, status, all on one span) are answered from
// a trace cache's span rows instead of reading every trace's spans (from a server, or a file store's
// traces.json files). The cache holds what a trace's info says of state, times, user, session and
// stored tokens: those conditions narrow here too; tags, the run and free text are left to the
// caller (a server's page infos are read anyway; a file store's candidates then have their infos
// read). Runs in the trace cache worker.

export interface CachedSpanQuery {
  experimentIds: string[];
  filter: TraceFilter;
  sort: TraceSort;
  offset: number;
  limit: number;
  /** Traces without the sort key (no duration, name or stored total) come last in either order, as a file store lists them; else only for tokens. */
  nullsLast?: boolean;
  /** Count every match too (a file store's list gives its total). */
  total?: boolean;
}

export interface CachedSpanPage {
  /** The page's trace ids in the asked order. */
  traceIds: string[];
  /** More candidates follow this page. */
  more: boolean;
  /** Traces of these experiments whose spans are not read yet: the answer misses them unless 0. */
  pending: number;
  /** Every match, when asked for. */
  total?: number;
}

type Bind = string | number;

const ORDER: Record<TraceSort['by'], string> = { timestamp: 't.timestamp_ms', duration: 't.duration_ms', name: 't.name', tokens: 't.stored_total' };

export function cachedSpanSearch(db: Database.Database, q: CachedSpanQuery): CachedSpanPage {
  if (q.experimentIds.length === 0) return { traceIds: [], more: false, pending: 0, ...(q.total ? { total: 0 } : {}) };
  const f = q.filter;
  const clauses = [`t.experiment_id IN (${q.experimentIds.map(() => '?').join(',')})`];
  const binds: Bind[] = [...q.experimentIds];
  const pending = db.prepare(`SELECT count(*) FROM traces t WHERE ${clauses[0]} AND t.spans = 0`).pluck().get(...binds) as number;
  if (f.states && f.states.length > 0) {
    clauses.push(`t.state IN (${f.states.map(() => '?').join(',')})`);
    binds.push(...f.states);
  }
  const equal: [string, string | undefined][] = [
    ['t.user', f.user],
    ['t.session', f.session],
  ];
  for (const [column, value] of equal) {
    if (value === undefined) continue;
    clauses.push(`${column} = ?`);
    binds.push(value);
  }
  const range: [string, number | undefined][] = [
    ['t.timestamp_ms >= ?', f.fromMs],
    ['t.timestamp_ms <= ?', f.toMs],
    ['t.stored_total >= ?', f.minTokens],
    ['t.stored_total <= ?', f.maxTokens],
  ];
  for (const [clause, value] of range) {
    if (value === undefined) continue;
    clauses.push(clause);
    binds.push(value);
  }
  if (f.span) {
    // Rows of a trace whose spans are to be read again (pending) are stale until then.
    clauses.push('t.spans = 1');
    const span = spanExistsSql(f.span, { from: 'trace_spans s', join: 's.trace_id = t.trace_id', type: 's.span_type', model: 's.calls' });
    clauses.push(span.clause);
    binds.push(...span.binds);
  }
  const direction = q.sort.order === 'asc' ? 'ASC' : 'DESC';
  // Traces without a stored total come last either way, as the server source sorts a page; for a file store, without any key.
  const nullsLast = q.sort.by === 'tokens' || (q.nullsLast && q.sort.by !== 'timestamp') ? `${ORDER[q.sort.by]} IS NULL, ` : '';
  const where = clauses.join(' AND ');
  const ids = db
    .prepare(`SELECT t.trace_id FROM traces t WHERE ${where} ORDER BY ${nullsLast}${ORDER[q.sort.by]} ${direction}, t.trace_id ${direction} LIMIT ? OFFSET ?`)
    .pluck()
    .all(...binds, q.limit + 1, q.offset) as string[];
  const page = { traceIds: ids.slice(0, q.limit), more: ids.length > q.limit, pending };
  return q.total ? { ...page, total: db.prepare(`SELECT count(*) FROM traces t WHERE ${where}`).pluck().get(...binds) as number } : page;
}
