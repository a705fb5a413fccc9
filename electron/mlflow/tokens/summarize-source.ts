import type { TokensLatency, TokensSummary } from '../../../shared/schemas/mlflow-tokens.js';
import type { MlflowSource } from '../source.js';
import { recordsLatency, summarizeRecords, type SummaryFilter } from './aggregate.js';
import type { PriceStore } from './price-store.js';
import { recordsFromSource, sqliteFileOf } from './source-records.js';
import { finishSummary } from './summary.js';
import type { TokenAnalytics } from './token-analytics.js';

/** The token summary of a workspace's MLflow store, for the app and the CLI alike. */
export async function summarizeSource(source: MlflowSource, filter: SummaryFilter, analytics: TokenAnalytics, prices: PriceStore): Promise<TokensSummary> {
  if (source.info.kind === 'sqlite') {
    const { parts } = await analytics.summary(await sqliteFileOf(source.info.uri), filter);
    return finishSummary(parts, prices.get());
  }
  return summarizeRecords(await recordsFromSource(source, filter), filter, prices.get());
}

/** Latency and errors of a workspace's MLflow store, for the app and the CLI alike. */
export async function sourceLatency(source: MlflowSource, filter: SummaryFilter, analytics: TokenAnalytics): Promise<TokensLatency> {
  if (source.info.kind === 'sqlite') return (await analytics.latency(await sqliteFileOf(source.info.uri), filter)).latency;
  return recordsLatency(await recordsFromSource(source, filter), filter);
}
