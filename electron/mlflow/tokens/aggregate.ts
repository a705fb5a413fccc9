import type { TokenCacheCounts, PriceRow, TokensLatency, TokensSummary, TokensTopTrace, TokenTotals } from '../../../shared/schemas/mlflow-tokens.js';
import { usageMismatch, type TokenUsage } from '../../../shared/token-usage.js';
import { dayLabel, dayNumber, DEFAULT_TOP_N, finishSummary, MAX_MISMATCH_IDS, percentiles, compareTopTraces, compareNames } from './summary.js';
import { latencyOf } from './latency.js';
import type { ModelUsage } from './trace-usage.js';

// The token summary computed in memory over per-trace records: for MLflow sources whose traces are
// not in an sqlite file (file store, REST), where the records come from the source's own reads.
// The sqlite path (usage-cache.ts) computes the same summary in SQL over its cache.

export interface TraceUsageRecord {
  traceId: string;
  experimentId: string;
  /** mlflow.traceName; null when absent. */
  name: string | null;
  /** Trace start, epoch ms. */
  timestamp: number;
  user: string | null;
  session: string | null;
  /** By MLflow's rule over the spans; null when no span carries usage. */
  usage: TokenUsage | null;
  /** The same usage split by model (trace-usage.ts). */
  byModel: ModelUsage[];
  /** mlflow.trace.tokenUsage as stored; null when absent. */
  stored: TokenUsage | null;
  /** Null while unknown. */
  durationMs: number | null;
  /** OK, ERROR or IN_PROGRESS (or the store's own word). */
  status: string;
}

export interface SummaryFilter {
  experimentIds: readonly string[];
  from?: number;
  to?: number;
  topN?: number;
}

type Totals = TokenTotals;
const empty = (): Totals => ({ input: 0, output: 0, total: 0, traces: 0 });
function add(into: Totals, usage: TokenUsage): void {
  into.input += usage.input;
  into.output += usage.output;
  into.total += usage.total;
  into.traces += 1;
}

function bucket<K, T extends Totals>(map: Map<K, T>, key: K, make: () => T): T {
  let totals = map.get(key);
  if (!totals) map.set(key, (totals = make()));
  return totals;
}

type ModelTotals = Totals & TokenCacheCounts;
const emptyModel = (): ModelTotals => ({ ...empty(), cacheRead: 0, cacheWrite: 0, cacheInInput: 0 });
function addModel(into: ModelTotals, usage: ModelUsage): void {
  add(into, usage);
  into.cacheRead += usage.cacheRead;
  into.cacheWrite += usage.cacheWrite;
  into.cacheInInput += usage.cacheInInput;
}

function selectRecords(records: Iterable<TraceUsageRecord>, filter: SummaryFilter): TraceUsageRecord[] {
  const experiments = new Set(filter.experimentIds);
  const from = filter.from ?? -Infinity;
  const to = filter.to ?? Infinity;
  const out: TraceUsageRecord[] = [];
  for (const r of records) if (experiments.has(r.experimentId) && r.timestamp >= from && r.timestamp < to) out.push(r);
  return out;
}

/** Latency and errors over trace records: they carry no spans, so no span figures (the sqlite cache has them). */
export function recordsLatency(records: Iterable<TraceUsageRecord>, filter: SummaryFilter): TokensLatency {
  return latencyOf(selectRecords(records, filter).map((r) => ({ timestamp: r.timestamp, durationMs: r.durationMs, status: r.status })), null);
}

export function summarizeRecords(records: Iterable<TraceUsageRecord>, filter: SummaryFilter, prices: readonly PriceRow[]): TokensSummary {
  const selected = selectRecords(records, filter);
  const totals: TokensSummary['totals'] = { input: 0, output: 0, total: 0, traces: selected.length, tracesWithUsage: 0 };
  const days = new Map<string, Totals>();
  const models = new Map<string | null, ModelTotals>();
  const users = new Map<string | null, Totals>();
  const sessions = new Map<string | null, Totals>();
  const perTrace: number[] = [];
  const withUsage: TokensTopTrace[] = [];
  const mismatched: TraceUsageRecord[] = [];
  for (const r of selected) {
    if (usageMismatch(r.usage, r.stored)) mismatched.push(r);
    if (r.usage === null) continue;
    totals.tracesWithUsage++;
    totals.input += r.usage.input;
    totals.output += r.usage.output;
    totals.total += r.usage.total;
    perTrace.push(r.usage.total);
    add(bucket(users, r.user, empty), r.usage);
    add(bucket(sessions, r.session, empty), r.usage);
    const day = dayNumber(r.timestamp);
    for (const m of r.byModel) {
      addModel(bucket(models, m.model, emptyModel), m);
      // A JSON key keeps (day, model) apart even for a model named like a day.
      add(bucket(days, JSON.stringify([day, m.model]), empty), m);
    }
    withUsage.push({ traceId: r.traceId, experimentId: r.experimentId, name: r.name, timestamp: r.timestamp, model: r.byModel[0]?.model ?? null, ...r.usage });
  }
  perTrace.sort((a, b) => a - b);
  mismatched.sort((a, b) => b.timestamp - a.timestamp || compareNames(a.traceId, b.traceId));
  return finishSummary(
    {
      totals,
      days: [...days].map(([key, t]) => {
        const [day, model] = JSON.parse(key) as [number, string | null];
        return { day: dayLabel(day), model, ...t };
      }),
      models: [...models].map(([model, t]) => ({ model, ...t })),
      users: [...users].map(([user, t]) => ({ user, ...t })),
      userCount: users.size,
      sessions: [...sessions].map(([session, t]) => ({ session, ...t })),
      sessionCount: sessions.size,
      perTrace: percentiles(perTrace),
      topTraces: withUsage.sort(compareTopTraces).slice(0, filter.topN ?? DEFAULT_TOP_N),
      mismatches: { count: mismatched.length, traceIds: mismatched.slice(0, MAX_MISMATCH_IDS).map((r) => r.traceId) },
    },
    prices,
  );
}
