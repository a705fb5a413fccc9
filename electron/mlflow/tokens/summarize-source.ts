import type { PriceRow, TokensLatency, TokensSummary } from '../../../shared/schemas/mlflow-tokens.js';
import type { MlflowSource } from '../source.js';
import type { TraceCaches } from '../trace-cache/trace-caches.js';
import { traceOrigin } from '../trace-cache/trace-origin.js';
import { recordsLatency, summarizeRecords, type SummaryFilter } from './aggregate.js';
import { recordsFromSource, sqliteFileOf } from './source-records.js';
import { finishSummary } from './summary.js';
import type { TokenAnalytics } from './token-analytics.js';

/** Where a summary reads a tracking server's or a file store's traces from: the trace cache, for this workspace (the CLI has its own scope). */
export interface TraceCacheUse {
  caches: TraceCaches;
  scope: string;
  /** The caller synced the cache just before (the CLI, once per command): read it as it is. */
  synced?: boolean;
}

/** The token summary of a workspace's MLflow store, for the app and the CLI alike. */
export async function summarizeSource(source: MlflowSource, filter: SummaryFilter, analytics: TokenAnalytics, prices: readonly PriceRow[], traces: TraceCacheUse): Promise<TokensSummary> {
  if (source.info.kind === 'sqlite') {
    const { parts } = await analytics.summary(await sqliteFileOf(source.info.uri), filter);
    return finishSummary(parts, prices);
  }
  const origin = traceOrigin(source, traces.scope);
  if (origin) return traces.caches.summary(origin, filter, [...prices], { synced: traces.synced });
  return summarizeRecords(await recordsFromSource(source, filter), filter, prices);
}

/** Latency and errors of a workspace's MLflow store, for the app and the CLI alike. */
export async function sourceLatency(source: MlflowSource, filter: SummaryFilter, analytics: TokenAnalytics, traces: TraceCacheUse): Promise<TokensLatency> {
  if (source.info.kind === 'sqlite') return (await analytics.latency(await sqliteFileOf(source.info.uri), filter)).latency;
  const origin = traceOrigin(source, traces.scope);
  if (origin) return traces.caches.latency(origin, filter, { synced: traces.synced });
  return recordsLatency(await recordsFromSource(source, filter), filter);
}
