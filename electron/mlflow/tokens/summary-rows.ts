import type { TokensDayModel } from '../../../shared/schemas/mlflow-tokens.js';
import { percentiles, type SummaryParts } from './summary.js';

// The raw rows both SQL aggregators (the usage cache's usage-queries.ts and the trace cache's
// cache-summary.ts) read, and the one mapping of them to summary parts.

export type Sums = [input: number, output: number, total: number, traces: number];
export type ModelRow = [model: string | null, ...Sums, cacheRead: number, cacheWrite: number, cacheInInput: number];
export type GroupRow = [name: string | null, ...Sums];
export type TopTraceRow = [traceId: string, experimentId: string, name: string | null, timestamp: number, model: string | null, input: number, output: number, total: number];

export interface SummaryRows {
  totals: { input: number; output: number; total: number; traces: number; tracesWithUsage: number };
  days: TokensDayModel[];
  models: ModelRow[];
  users: { rows: GroupRow[]; count: number };
  sessions: { rows: GroupRow[]; count: number };
  /** Each trace's total, ascending. */
  perTrace: Float64Array;
  top: TopTraceRow[];
  mismatchCount: number;
  mismatchIds: string[];
}

export function partsFromRows(rows: SummaryRows): SummaryParts {
  return {
    totals: rows.totals,
    days: rows.days,
    models: rows.models.map(([model, i, o, t, n, cacheRead, cacheWrite, cacheInInput]) => ({ model, input: i, output: o, total: t, traces: n, cacheRead, cacheWrite, cacheInInput })),
    users: rows.users.rows.map(([user, i, o, t, n]) => ({ user, input: i, output: o, total: t, traces: n })),
    userCount: rows.users.count,
    sessions: rows.sessions.rows.map(([session, i, o, t, n]) => ({ session, input: i, output: o, total: t, traces: n })),
    sessionCount: rows.sessions.count,
    perTrace: percentiles(Array.from(rows.perTrace)),
    topTraces: rows.top.map(([traceId, experimentId, name, timestamp, model, i, o, t]) => ({ traceId, experimentId, name, timestamp, model, input: i, output: o, total: t })),
    mismatches: { count: rows.mismatchCount, traceIds: rows.mismatchIds },
  };
}
