import { CATALOG_DATE } from '../../../shared/price-catalog.js';
import type {
  LatencyStats,
  TokenCacheCounts,
  PriceRow,
  TokensByModel,
  TokensBySession,
  TokensByUser,
  TokensDayModel,
  TokensPercentiles,
  TokensSummary,
  TokensTopTrace,
  TokenTotals,
} from '../../../shared/schemas/mlflow-tokens.js';
import { costAt, resolvePrice } from './pricing.js';

// What both aggregators (SQL over the usage cache, and in memory over trace records) hand over,
// and the one place that orders, trims and prices it, so the two cannot disagree on presentation.

export const MAX_GROUP_ROWS = 200;
export const MAX_MISMATCH_IDS = 20;
export const DEFAULT_TOP_N = 10;
export const DAY_MS = 86_400_000;

export interface SummaryParts {
  totals: TokensSummary['totals'];
  days: TokensDayModel[];
  models: (TokenTotals & TokenCacheCounts & { model: string | null })[];
  users: TokensByUser[];
  userCount: number;
  sessions: TokensBySession[];
  sessionCount: number;
  perTrace: TokensPercentiles;
  topTraces: TokensTopTrace[];
  mismatches: TokensSummary['mismatches'];
}

/** UTC calendar day of an epoch-ms instant, as the day number since 1970-01-01. */
export const dayNumber = (ms: number) => Math.floor(ms / DAY_MS);
export const dayLabel = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** Nulls last, then code-unit order (what SQLite's BINARY collation does for these strings). */
export function compareNames(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

/** Largest total first; ties by name. */
export const byTotalThen = <T extends { total: number }>(name: (row: T) => string | null) => (a: T, b: T) =>
  b.total - a.total || compareNames(name(a), name(b));

/** Top traces: most tokens first, then newest, then id. */
export function compareTopTraces(a: TokensTopTrace, b: TokensTopTrace): number {
  return b.total - a.total || b.timestamp - a.timestamp || compareNames(a.traceId, b.traceId);
}

/** Nearest-rank percentiles of an ascending list. */
export function percentiles(ascending: readonly number[]): TokensPercentiles {
  const at = (p: number) => (ascending.length === 0 ? null : ascending[Math.max(0, Math.ceil((p / 100) * ascending.length) - 1)]);
  return { p50: at(50), p90: at(90), p99: at(99) };
}

/** Latency figures of durations (any order; sorted here) and an error count. */
export function latencyStats(durations: number[] | Float64Array, count: number, errors: number): LatencyStats {
  const sorted = Float64Array.from(durations).sort();
  return { count, ...percentiles(Array.from(sorted)), errors, errorRate: count === 0 ? null : errors / count };
}

/** Most entries first, then by name. */
export const byCountThen = <T extends { count: number }>(name: (row: T) => string | null) => (a: T, b: T) => b.count - a.count || compareNames(name(a), name(b));

export function finishSummary(parts: SummaryParts, priceRows: readonly PriceRow[]): TokensSummary {
  const prices = new Map(priceRows.map((p) => [p.model, p]));
  const models: TokensByModel[] = parts.models
    .map((m) => {
      const price = resolvePrice(m.model, prices);
      return { ...m, cost: price === null ? null : costAt(price, m), priceSource: price?.source ?? null, priceModel: price?.model ?? null };
    })
    .sort(byTotalThen((m) => m.model));
  const priced = models.filter((m) => m.cost !== null);
  return {
    totals: parts.totals,
    days: [...parts.days].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : compareNames(a.model, b.model))),
    models,
    users: [...parts.users].sort(byTotalThen((u) => u.user)).slice(0, MAX_GROUP_ROWS),
    userCount: parts.userCount,
    sessions: [...parts.sessions].sort(byTotalThen((s) => s.session)).slice(0, MAX_GROUP_ROWS),
    sessionCount: parts.sessionCount,
    perTrace: parts.perTrace,
    topTraces: [...parts.topTraces].sort(compareTopTraces),
    cost: {
      total: priced.length === 0 ? null : priced.reduce((sum, m) => sum + (m.cost ?? 0), 0),
      unpricedModels: models.filter((m) => m.cost === null).map((m) => m.model),
      catalogDate: CATALOG_DATE,
    },
    mismatches: parts.mismatches,
  };
}
