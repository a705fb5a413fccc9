import type { TraceRow, TraceState } from '../../shared/schemas/mlflow.js';
import { parseStoredUsage, traceTokenUsage, TRACE_USAGE_KEY, usageMismatch, type TokenUsage } from '../../shared/token-usage.js';

// One trace-list row from what every source has: the trace info with its metadata and tags, plus
// (when they could be read) the few facts of its spans a row needs. Tokens follow MLflow's rule and
// are set beside MLflow's stored total, so a mismatch shows.

export interface TraceInfoParts {
  traceId: string;
  experimentId: string;
  timestampMs: number;
  durationMs: number | null;
  state: string;
  requestPreview: string | null;
  responsePreview: string | null;
  metadata: Record<string, string>;
  tags: Record<string, string>;
}

/** What a row needs of a span: its place in the tree, its own usage, its model, and for the name, the root. */
export interface SpanFacts {
  spanId: string;
  parentId: string | null;
  usage: TokenUsage | null;
  model: string | null;
  name: string;
  startMs: number;
}

const STATES: readonly TraceState[] = ['OK', 'ERROR', 'IN_PROGRESS', 'STATE_UNSPECIFIED'];

export function traceState(value: string): TraceState {
  const upper = value.toUpperCase();
  return (STATES as readonly string[]).includes(upper) ? (upper as TraceState) : 'STATE_UNSPECIFIED';
}

export function traceRow(info: TraceInfoParts, spans: readonly SpanFacts[] | null): TraceRow {
  const ordered = spans ? [...spans].sort((a, b) => a.startMs - b.startMs) : [];
  const ids = new Set(ordered.map((s) => s.spanId));
  const root = ordered.find((s) => s.parentId === null || !ids.has(s.parentId));
  const tokens = spans ? traceTokenUsage(spans) : null;
  const storedTokens = parseStoredUsage(info.metadata[TRACE_USAGE_KEY]);
  return {
    traceId: info.traceId,
    experimentId: info.experimentId,
    timestampMs: info.timestampMs,
    durationMs: info.durationMs,
    name: info.tags['mlflow.traceName'] ?? root?.name ?? null,
    state: traceState(info.state),
    requestPreview: info.requestPreview,
    responsePreview: info.responsePreview,
    model: ordered.find((s) => s.model !== null)?.model ?? null,
    user: info.metadata['mlflow.trace.user'] ?? null,
    session: info.metadata['mlflow.trace.session'] ?? null,
    tags: info.tags,
    tokens,
    storedTokens,
    // Without spans there is nothing computed to compare: that is missing data, not a mismatch.
    tokenMismatch: spans !== null && usageMismatch(tokens, storedTokens),
    spanCount: spans ? spans.length : null,
  };
}
