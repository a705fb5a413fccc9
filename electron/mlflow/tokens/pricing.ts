import { catalogPrice } from '../../../shared/price-catalog.js';
import type { PriceRow, PriceSource, TokenCacheCounts } from '../../../shared/schemas/mlflow-tokens.js';

// Turning a model's tokens into USD: the user's price row for the exact model name wins (a saved
// workspace's own row over the app-wide one), else the shipped catalog's entry its name matches by alias. Cached prompt tokens cost the cached rate,
// cache writes the cache-write rate (each the input rate when the price has none).

export interface ResolvedPrice {
  source: Exclude<PriceSource, null>;
  /** The price row's model, or the catalog entry's canonical name. */
  model: string;
  inputPer1M: number;
  outputPer1M: number;
  cachedInputPer1M: number | null;
  cacheWritePer1M: number | null;
}

export function resolvePrice(model: string | null, overrides: ReadonlyMap<string, PriceRow>): ResolvedPrice | null {
  if (model === null) return null;
  const row = overrides.get(model);
  if (row) {
    const { workspace, ...own } = row;
    return { source: workspace === true ? 'workspace' : 'override', ...own, cachedInputPer1M: own.cachedInputPer1M ?? null, cacheWritePer1M: own.cacheWritePer1M ?? null };
  }
  const entry = catalogPrice(model);
  if (!entry) return null;
  return { source: 'catalog', model: entry.model, inputPer1M: entry.inputPer1M, outputPer1M: entry.outputPer1M, cachedInputPer1M: entry.cachedInputPer1M, cacheWritePer1M: entry.cacheWritePer1M };
}

/** USD for tokens at a price. Cache counts inside `input` are taken out of it first, so no token is billed twice. */
export function costAt(price: ResolvedPrice, usage: { input: number; output: number } & TokenCacheCounts): number {
  const uncached = Math.max(0, usage.input - usage.cacheInInput);
  const dollars =
    uncached * price.inputPer1M +
    usage.cacheRead * (price.cachedInputPer1M ?? price.inputPer1M) +
    usage.cacheWrite * (price.cacheWritePer1M ?? price.inputPer1M) +
    usage.output * price.outputPer1M;
  return dollars / 1_000_000;
}
