import type { LatencyStats, TokensLatency } from '../../../shared/schemas/mlflow-tokens.js';
import { byCountThen, dayLabel, dayNumber, latencyStats, MAX_GROUP_ROWS } from './summary.js';

// Latency and errors beside tokens: nearest-rank p50/p90/p99 of trace durations overall and per
// UTC day, and of span durations per span type and per model, with error rates. One computation
// for both aggregators: the usage cache's SQL and the in-memory records only feed it rows. It runs
// where they run (the token worker for the cache).

export interface TraceTiming {
  timestamp: number;
  /** Null while unknown (MLflow writes no execution time for some traces). */
  durationMs: number | null;
  status: string;
}

export interface SpanTiming {
  type: string | null;
  /** Only spans that carry usage name one. */
  model: string | null;
  durationMs: number;
  error: boolean;
}

class Group {
  readonly durations: number[] = [];
  count = 0;
  errors = 0;

  add(durationMs: number | null, error: boolean): void {
    this.count++;
    if (error) this.errors++;
    if (durationMs !== null) this.durations.push(durationMs);
  }

  stats(): LatencyStats {
    return latencyStats(this.durations, this.count, this.errors);
  }
}

function grouped<K>(map: Map<K, Group>, key: K): Group {
  let group = map.get(key);
  if (!group) map.set(key, (group = new Group()));
  return group;
}

/** `spans` null: the source gave no spans, so no per-type or per-model figures. */
export function latencyOf(traces: Iterable<TraceTiming>, spans: Iterable<SpanTiming> | null): TokensLatency {
  const all = new Group();
  const days = new Map<number, Group>();
  for (const t of traces) {
    // Unfinished traces have neither a duration nor an outcome yet.
    if (t.status !== 'OK' && t.status !== 'ERROR') continue;
    all.add(t.durationMs, t.status === 'ERROR');
    grouped(days, dayNumber(t.timestamp)).add(t.durationMs, t.status === 'ERROR');
  }
  const types = new Map<string | null, Group>();
  const models = new Map<string, Group>();
  for (const s of spans ?? []) {
    grouped(types, s.type).add(s.durationMs, s.error);
    if (s.model !== null) grouped(models, s.model).add(s.durationMs, s.error);
  }
  return {
    traces: all.stats(),
    days: [...days].sort((a, b) => a[0] - b[0]).map(([day, g]) => ({ day: dayLabel(day), ...g.stats() })),
    spanTypes: [...types]
      .map(([spanType, g]) => ({ spanType, ...g.stats() }))
      .sort(byCountThen((r) => r.spanType))
      .slice(0, MAX_GROUP_ROWS),
    models: [...models]
      .map(([model, g]) => ({ model, ...g.stats() }))
      .sort(byCountThen((r) => r.model))
      .slice(0, MAX_GROUP_ROWS),
    spansRead: spans !== null,
  };
}
