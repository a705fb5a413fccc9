import type { SpanFilter, TraceFilter, TraceRow } from '../../shared/schemas/mlflow.js';
import type { TraceInfoParts } from './trace-row.js';

// The trace filter applied in memory, for sources that cannot ask a database: the file store for
// every trace, the REST source for a trace it looked up by id. The sqlite source has the same rules
// in SQL (sqlite/trace-sql.ts).

/** Every condition but the token range, which needs the row (see `inTokenRange`). */
export function infoMatches(t: TraceInfoParts, f: TraceFilter): boolean {
  const needle = f.text?.toLowerCase();
  return (
    (!f.states || f.states.length === 0 || (f.states as string[]).includes(t.state)) &&
    (!f.tag || (f.tag.key in t.tags && (f.tag.value === undefined || t.tags[f.tag.key] === f.tag.value))) &&
    (f.user === undefined || t.metadata['mlflow.trace.user'] === f.user) &&
    (f.session === undefined || t.metadata['mlflow.trace.session'] === f.session) &&
    (f.runId === undefined || t.metadata['mlflow.sourceRun'] === f.runId) &&
    (f.fromMs === undefined || t.timestampMs >= f.fromMs) &&
    (f.toMs === undefined || t.timestampMs <= f.toMs) &&
    (needle === undefined || [t.traceId, t.tags['mlflow.traceName'], t.requestPreview, t.responsePreview].some((s) => s?.toLowerCase().includes(needle)))
  );
}

/** On MLflow's stored trace total; a trace without one matches only when no range is asked. */
export function inTokenRange(r: TraceRow, f: TraceFilter): boolean {
  if (f.minTokens === undefined && f.maxTokens === undefined) return true;
  return r.storedTokens !== null && r.storedTokens.total >= (f.minTokens ?? 0) && r.storedTokens.total <= (f.maxTokens ?? Infinity);
}

/** What a span filter looks at of one span. */
export interface SpanFields {
  name: string;
  type: string | null;
  model: string | null;
  status: string;
}

/** An ILIKE pattern as a whole-value, case-insensitive expression (`%` any run, `_` one character). */
export function likePattern(pattern: string): RegExp {
  const body = [...pattern].map((c) => (c === '%' ? '.*' : c === '_' ? '.' : c.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 'is');
}

/** A span filter with its patterns compiled once, for testing many spans. */
export function spanMatcher(f: SpanFilter): (span: SpanFields) => boolean {
  const name = f.name === undefined ? null : likePattern(f.name);
  const model = f.model === undefined ? null : likePattern(f.model);
  const type = f.type?.toUpperCase();
  return (s) =>
    (name === null || name.test(s.name)) &&
    (model === null || (s.model !== null && model.test(s.model))) &&
    (type === undefined || s.type?.toUpperCase() === type) &&
    (f.status === undefined || s.status === f.status);
}

/** Whether a trace passes the filter's span conditions: spans unknown (unreadable) never match one. */
export function spansMatch(spans: readonly SpanFields[] | null, f: TraceFilter): boolean {
  if (!f.span) return true;
  if (spans === null) return false;
  return spans.some(spanMatcher(f.span));
}
