import { StratusError } from '../../../shared/errors.js';
import type { SpanFilter, TraceFilter, TraceSort } from '../../../shared/schemas/mlflow.js';
import { spanExistsSql } from '../span-filter-sql.js';

// A trace filter and sort as SQL over MLflow's trace tables (`t` is trace_info), with the values to bind.

export type Bind = string | number | bigint | null;

const USAGE_KEY = 'mlflow.trace.tokenUsage';
const TRACE_NAME = "(SELECT n.value FROM trace_tags n WHERE n.request_id = t.request_id AND n.key = 'mlflow.traceName')";
/** MLflow's stored trace total (`mlflow.trace.tokenUsage`), null when absent or not JSON. */
const STORED_TOTAL = `(SELECT CAST(json_extract(u.value, '$.total_tokens') AS INTEGER) FROM trace_request_metadata u
             WHERE u.request_id = t.request_id AND u.key = '${USAGE_KEY}' AND json_valid(u.value))`;

/**
 * The model a span called, as spanModel (tokens/trace-usage.ts) reads it from the span JSON: the
 * `model` attribute (a JSON-encoded value), else the request's or the response's `model` field.
 * Guarded by json_valid: a malformed value is no model rather than a failed query.
 */
const SPAN_MODEL = `(SELECT coalesce(CASE WHEN json_valid(a) THEN json_extract(a, '$') ELSE a END,
    CASE WHEN json_valid(i) THEN json_extract(i, '$.model') END, CASE WHEN json_valid(o) THEN json_extract(o, '$.model') END)
  FROM (SELECT json_extract(s.content, '$.attributes.model') AS a, json_extract(s.content, '$.attributes."mlflow.spanInputs"') AS i,
    json_extract(s.content, '$.attributes."mlflow.spanOutputs"') AS o WHERE json_valid(s.content)))`;

const spanExists = (f: SpanFilter) => spanExistsSql(f, { from: 'spans s', join: 's.trace_id = t.request_id', type: 's.type', model: SPAN_MODEL });

export function marks(count: number): string {
  return new Array(count).fill('?').join(',');
}

/** The filter's conditions on `t` (trace_info), without the experiments; `hasSpans`: the store has MLflow 3's spans table. */
export function traceWhere(f: TraceFilter, hasSpans = true): { where: string; binds: Bind[] } {
  const clauses = ['1=1'];
  const binds: Bind[] = [];
  if (f.states && f.states.length > 0) {
    clauses.push(`t.status IN (${marks(f.states.length)})`);
    binds.push(...f.states);
  }
  // Correlated lookups (primary key (key, request_id)): the page query walks traces in order and stops early.
  if (f.tag) {
    clauses.push(
      `EXISTS (SELECT 1 FROM trace_tags g WHERE g.request_id = t.request_id AND g.key = ?${f.tag.value === undefined ? '' : ' AND g.value = ?'})`,
    );
    binds.push(f.tag.key, ...(f.tag.value === undefined ? [] : [f.tag.value]));
  }
  for (const [key, value] of [
    ['mlflow.trace.user', f.user],
    ['mlflow.trace.session', f.session],
    ['mlflow.sourceRun', f.runId],
  ] as const) {
    if (value === undefined) continue;
    clauses.push('EXISTS (SELECT 1 FROM trace_request_metadata m WHERE m.request_id = t.request_id AND m.key = ? AND m.value = ?)');
    binds.push(key, value);
  }
  if (f.fromMs !== undefined) {
    clauses.push('t.timestamp_ms >= ?');
    binds.push(f.fromMs);
  }
  if (f.toMs !== undefined) {
    clauses.push('t.timestamp_ms <= ?');
    binds.push(f.toMs);
  }
  if (f.minTokens !== undefined || f.maxTokens !== undefined) {
    clauses.push(`${STORED_TOTAL} BETWEEN ? AND ?`);
    binds.push(f.minTokens ?? 0, f.maxTokens ?? Number.MAX_SAFE_INTEGER);
  }
  if (f.text !== undefined) {
    const needle = f.text.toLowerCase();
    clauses.push(
      `(instr(lower(t.request_id), ?) > 0 OR instr(lower(coalesce(t.request_preview, '')), ?) > 0
        OR instr(lower(coalesce(t.response_preview, '')), ?) > 0 OR instr(lower(coalesce(${TRACE_NAME}, '')), ?) > 0)`,
    );
    binds.push(needle, needle, needle, needle);
  }
  if (f.span) {
    if (!hasSpans) {
      throw new StratusError({
        code: 'INVALID_ARGUMENT',
        message: 'This MLflow database has no spans table (written before MLflow 3), so traces cannot be filtered by span.',
        hint: 'Filter by the other fields, or upgrade the tracking store to MLflow 3.',
      });
    }
    const span = spanExists(f.span);
    clauses.push(span.clause);
    binds.push(...span.binds);
  }
  return { where: clauses.join(' AND '), binds };
}



export function traceOrder(sort: TraceSort): string {
  const dir = sort.order === 'asc' ? 'ASC' : 'DESC';
  switch (sort.by) {
    case 'timestamp':
      return `t.timestamp_ms ${dir}, t.request_id ${dir}`;
    case 'duration':
      return `t.execution_time_ms ${dir}, t.request_id ${dir}`;
    case 'name':
      return `${TRACE_NAME} ${dir}, t.request_id ${dir}`;
    case 'tokens':
      return `${STORED_TOTAL} ${dir} NULLS LAST, t.request_id ${dir}`;
  }
}
