import type { TraceRow, TraceSort } from '../../../shared/schemas/mlflow.js';

// A file store's trace list order (before spans are read): by the asked key, traces without one
// (no duration, name or stored total) last in either order, ties by trace id in the asked direction.
// The trace cache orders a file store's list the same way in SQL (trace-cache/span-search.ts).

function sortKey(r: TraceRow, by: TraceSort['by']): number | string | null {
  switch (by) {
    case 'timestamp':
      return r.timestampMs;
    case 'duration':
      return r.durationMs;
    case 'name':
      return r.name;
    case 'tokens':
      return r.storedTokens?.total ?? null;
  }
}

/** Sorts in place and answers the rows. */
export function sortTraceRows(rows: TraceRow[], sort: TraceSort): TraceRow[] {
  const sign = sort.order === 'asc' ? 1 : -1;
  const byId = (a: TraceRow, b: TraceRow) => (a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1 : 0) * sign;
  return rows.sort((a, b) => {
    const x = sortKey(a, sort.by);
    const y = sortKey(b, sort.by);
    if (x === null || y === null) return x === y ? byId(a, b) : x === null ? 1 : -1;
    return (x < y ? -1 : x > y ? 1 : 0) * sign || byId(a, b);
  });
}
