// The LLM price catalog shipped with the app: list prices in USD per million tokens, as the
// providers published them on CATALOG_DATE. The price table's rows (the user's overrides) win over
// it. Models are matched by anchored, case-insensitive aliases after a provider or deployment prefix
// is dropped, so dated names (claude-3-7-sonnet-20250219, gpt-4o-2024-08-06), Azure spellings
// (gpt-35-turbo) and routed names (azure/gpt-4o, anthropic.claude-3-5-sonnet-20241022-v2:0) find
// their entry. Shared: main prices the summary, the renderer shows where each price came from.

export const CATALOG_DATE = '2025-09-01';
export const CATALOG_SOURCE = 'openai.com/api/pricing and anthropic.com/pricing (list prices, standard tier)';

export interface CatalogPrice {
  /** The canonical model name the entry is shown under. */
  model: string;
  /** Regex sources, matched whole and case-insensitively against the normalized model name. */
  aliases: readonly string[];
  inputPer1M: number;
  outputPer1M: number;
  /** Prompt tokens served from the provider's cache; null when the provider has no cached rate. */
  cachedInputPer1M: number | null;
  /** Prompt tokens written to the cache (Anthropic); null: written tokens cost the input rate. */
  cacheWritePer1M: number | null;
}

const DATED = '(-\\d{4}-?\\d{2}-?\\d{2})?';
const openai = (model: string, pattern: string, input: number, cached: number | null, output: number): CatalogPrice => ({
  model,
  aliases: [`${pattern}${DATED}`],
  inputPer1M: input,
  outputPer1M: output,
  cachedInputPer1M: cached,
  cacheWritePer1M: null,
});
/** Anthropic: cache reads cost 10% of input, 5-minute cache writes 125%. Bedrock names end in -v1:0. */
const anthropic = (model: string, patterns: readonly string[], input: number, output: number): CatalogPrice => ({
  model,
  aliases: patterns.map((p) => `${p}(-\\d{8})?(-v\\d+(:\\d+)?)?(-latest)?`),
  inputPer1M: input,
  outputPer1M: output,
  cachedInputPer1M: Math.round(input * 0.1 * 1000) / 1000,
  cacheWritePer1M: Math.round(input * 1.25 * 1000) / 1000,
});

export const PRICE_CATALOG: readonly CatalogPrice[] = [
  openai('gpt-5', 'gpt-?5', 1.25, 0.125, 10),
  openai('gpt-5-mini', 'gpt-?5-mini', 0.25, 0.025, 2),
  openai('gpt-5-nano', 'gpt-?5-nano', 0.05, 0.005, 0.4),
  openai('gpt-4.1', 'gpt-?4\\.?1', 2, 0.5, 8),
  openai('gpt-4.1-mini', 'gpt-?4\\.?1-mini', 0.4, 0.1, 1.6),
  openai('gpt-4.1-nano', 'gpt-?4\\.?1-nano', 0.1, 0.025, 0.4),
  openai('gpt-4o', 'gpt-?4o', 2.5, 1.25, 10),
  openai('gpt-4o-mini', 'gpt-?4o-mini', 0.15, 0.075, 0.6),
  openai('gpt-4-turbo', 'gpt-?4-turbo(-preview)?', 10, null, 30),
  openai('gpt-4', 'gpt-?4', 30, null, 60),
  openai('gpt-3.5-turbo', 'gpt-?3\\.?5-turbo(-\\d{4})?', 0.5, null, 1.5),
  openai('o1', 'o1', 15, 7.5, 60),
  openai('o1-mini', 'o1-mini', 1.1, 0.55, 4.4),
  openai('o3', 'o3', 2, 0.5, 8),
  openai('o3-mini', 'o3-mini', 1.1, 0.55, 4.4),
  openai('o4-mini', 'o4-mini', 1.1, 0.275, 4.4),
  openai('text-embedding-3-small', 'text-embedding-3-small', 0.02, null, 0),
  openai('text-embedding-3-large', 'text-embedding-3-large', 0.13, null, 0),
  openai('text-embedding-ada-002', 'text-embedding-ada-002', 0.1, null, 0),
  anthropic('claude-opus-4-1', ['claude-opus-4-1', 'claude-4\\.1-opus'], 15, 75),
  anthropic('claude-opus-4', ['claude-opus-4(-0)?', 'claude-4-opus'], 15, 75),
  anthropic('claude-sonnet-4', ['claude-sonnet-4(-0)?', 'claude-4-sonnet'], 3, 15),
  anthropic('claude-3-7-sonnet', ['claude-3-7-sonnet', 'claude-3\\.7-sonnet'], 3, 15),
  anthropic('claude-3-5-sonnet', ['claude-3-5-sonnet', 'claude-3\\.5-sonnet'], 3, 15),
  anthropic('claude-3-5-haiku', ['claude-3-5-haiku', 'claude-3\\.5-haiku'], 0.8, 4),
  anthropic('claude-3-opus', ['claude-3-opus'], 15, 75),
  anthropic('claude-3-haiku', ['claude-3-haiku'], 0.25, 1.25),
];

/**
 * The name as the catalog's aliases expect it: no routing prefix (`azure/`, `openai/`,
 * `anthropic.` as Bedrock writes it, a `us.` region), trimmed.
 */
export function normalizeModelName(model: string): string {
  return model
    .trim()
    .replace(/^([a-z_-]+\/)+/i, '')
    .replace(/^((us|eu|apac|global)\.)?anthropic\./i, '');
}

const compiled = PRICE_CATALOG.map((entry) => ({ entry, patterns: entry.aliases.map((a) => new RegExp(`^(?:${a})$`, 'i')) }));

/** The catalog entry a model name matches, or null. */
export function catalogPrice(model: string): CatalogPrice | null {
  const name = normalizeModelName(model);
  return compiled.find((c) => c.patterns.some((p) => p.test(name)))?.entry ?? null;
}
