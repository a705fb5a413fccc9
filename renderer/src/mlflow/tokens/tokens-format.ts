import type { TokenCounts, TraceRow } from '../../../../shared/schemas/mlflow.js';
import { formatCount } from '../../format.js';

/** The usage a trace row shows: the app's sum over spans, else what MLflow stored. */
export function shownUsage(row: Pick<TraceRow, 'tokens' | 'storedTokens'>): TokenCounts | null {
  return row.tokens ?? row.storedTokens;
}

/** Tooltip for a trace whose stored total differs from the spans' sum. */
export function mismatchTitle(row: Pick<TraceRow, 'tokens' | 'storedTokens'>): string {
  const f = (u: TokenCounts | null) => (u === null ? 'none' : `${formatCount(u.input)} in / ${formatCount(u.output)} out / ${formatCount(u.total)} total`);
  return `Computed from spans: ${f(row.tokens)}\nStored by MLflow (mlflow.trace.tokenUsage): ${f(row.storedTokens)}`;
}
