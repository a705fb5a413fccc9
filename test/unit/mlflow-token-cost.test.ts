import { describe, expect, it } from 'vitest';
import { summarizeRecords, type TraceUsageRecord } from '../../electron/mlflow/tokens/aggregate.js';
import { spanUsageFromJson, traceUsage } from '../../electron/mlflow/tokens/trace-usage.js';
import { catalogPrice, CATALOG_DATE, PRICE_CATALOG } from '../../shared/price-catalog.js';
import type { TokenPrice } from '../../shared/schemas/mlflow-tokens.js';

// Cost from what spans report: prompt-cache tokens in OpenAI's and Anthropic's response shapes,
// priced at the catalog's cached rate; dated and routed model names found by alias; models without
// a price named. Rates below are the providers' published list prices the catalog claims to hold.

const T0 = Date.UTC(2026, 10, 3, 12);

/** One span as MLflow's autologger writes it: JSON-encoded attribute values. */
function span(id: string, model: string, tokenUsage: { input: number; output: number }, response: Record<string, unknown>) {
  return spanUsageFromJson({
    span_id: id,
    parent_span_id: null,
    attributes: {
      'mlflow.spanType': JSON.stringify('CHAT_MODEL'),
      model: JSON.stringify(model),
      'mlflow.chat.tokenUsage': JSON.stringify({ input_tokens: tokenUsage.input, output_tokens: tokenUsage.output, total_tokens: tokenUsage.input + tokenUsage.output }),
      'mlflow.spanOutputs': JSON.stringify(response),
    },
  });
}

function record(traceId: string, spans: ReturnType<typeof span>[]): TraceUsageRecord {
  const { usage, byModel } = traceUsage(spans);
  return { traceId, experimentId: '1', name: null, timestamp: T0, user: null, session: null, usage, byModel, stored: null, durationMs: 1000, status: 'OK' };
}

const summarize = (records: TraceUsageRecord[], prices: TokenPrice[] = []) => summarizeRecords(records, { experimentIds: ['1'] }, prices);

describe('cached prompt tokens', () => {
  it('OpenAI: cached_tokens are part of prompt_tokens, priced at the cached rate and the rest at input', () => {
    const openai = span('a', 'gpt-4o-2024-08-06', { input: 10_000, output: 2_000 }, {
      model: 'gpt-4o-2024-08-06',
      usage: { prompt_tokens: 10_000, completion_tokens: 2_000, total_tokens: 12_000, prompt_tokens_details: { cached_tokens: 6_000 } },
    });
    const summary = summarize([record('t1', [openai])]);
    const row = summary.models[0];
    expect(row).toMatchObject({ model: 'gpt-4o-2024-08-06', input: 10_000, cacheRead: 6_000, cacheWrite: 0, cacheInInput: 6_000, priceSource: 'catalog', priceModel: 'gpt-4o' });
    // gpt-4o: $2.50 input, $1.25 cached input, $10 output per 1M.
    const want = (4_000 * 2.5 + 6_000 * 1.25 + 2_000 * 10) / 1e6;
    expect(row.cost).toBeCloseTo(want, 12);
    expect(summary.cost.total).toBeCloseTo(want, 12);
    // Without the cache counts it would have cost more: the cached rate is really applied.
    expect(want).toBeLessThan((10_000 * 2.5 + 2_000 * 10) / 1e6);
  });

  it('OpenAI Responses API: input_tokens_details.cached_tokens likewise', () => {
    const s = span('a', 'gpt-4.1-mini', { input: 1_000, output: 100 }, { usage: { input_tokens: 1_000, output_tokens: 100, input_tokens_details: { cached_tokens: 800 } } });
    const row = summarize([record('t1', [s])]).models[0];
    expect(row.cost).toBeCloseTo((200 * 0.4 + 800 * 0.1 + 100 * 1.6) / 1e6, 12);
  });

  it('Anthropic: cache reads and writes come on top of input_tokens, at the cached and cache-write rates', () => {
    const anthropic = span('b', 'claude-3-7-sonnet-20250219', { input: 1_200, output: 500 }, {
      type: 'message',
      model: 'claude-3-7-sonnet-20250219',
      usage: { input_tokens: 1_200, output_tokens: 500, cache_read_input_tokens: 30_000, cache_creation_input_tokens: 4_000 },
    });
    const row = summarize([record('t2', [anthropic])]).models[0];
    expect(row).toMatchObject({ model: 'claude-3-7-sonnet-20250219', input: 1_200, cacheRead: 30_000, cacheWrite: 4_000, cacheInInput: 0, priceModel: 'claude-3-7-sonnet' });
    // Claude 3.7 Sonnet: $3 input, $0.30 cache read, $3.75 cache write, $15 output per 1M.
    expect(row.cost).toBeCloseTo((1_200 * 3 + 30_000 * 0.3 + 4_000 * 3.75 + 500 * 15) / 1e6, 12);
  });

  it('a user price without cache rates bills cached tokens at its input price; with one, at that', () => {
    const s = span('a', 'my-deployment', { input: 1_000, output: 0 }, { usage: { prompt_tokens: 1_000, prompt_tokens_details: { cached_tokens: 400 } } });
    const records = [record('t1', [s])];
    expect(summarize(records, [{ model: 'my-deployment', inputPer1M: 2, outputPer1M: 8 }]).models[0].cost).toBeCloseTo((1_000 * 2) / 1e6, 12);
    const row = summarize(records, [{ model: 'my-deployment', inputPer1M: 2, outputPer1M: 8, cachedInputPer1M: 0.5 }]).models[0];
    expect(row.cost).toBeCloseTo((600 * 2 + 400 * 0.5) / 1e6, 12);
    expect(row.priceSource).toBe('override');
  });
});

describe('the price catalog', () => {
  it('matches dated, Azure-spelled and routed model names to their entry by alias', () => {
    const entry = (name: string) => catalogPrice(name)?.model ?? null;
    expect(entry('claude-3-7-sonnet-20250219')).toBe('claude-3-7-sonnet');
    expect(entry('claude-3-5-sonnet-20241022')).toBe('claude-3-5-sonnet');
    expect(entry('claude-3-5-sonnet-latest')).toBe('claude-3-5-sonnet');
    expect(entry('anthropic.claude-3-5-sonnet-20241022-v2:0')).toBe('claude-3-5-sonnet');
    expect(entry('claude-sonnet-4-20250514')).toBe('claude-sonnet-4');
    expect(entry('gpt-4o-2024-08-06')).toBe('gpt-4o');
    expect(entry('gpt-4o-mini-2024-07-18')).toBe('gpt-4o-mini');
    expect(entry('azure/gpt-4o')).toBe('gpt-4o');
    expect(entry('gpt-35-turbo')).toBe('gpt-3.5-turbo');
    expect(entry('GPT-4.1')).toBe('gpt-4.1');
    expect(entry('o3-mini-2025-01-31')).toBe('o3-mini');
    expect(entry('gpt-4o-realtime-preview')).toBeNull();
    expect(entry('my-finetune')).toBeNull();
  });

  it('is dated, and each entry is found by its own name', () => {
    expect(CATALOG_DATE).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const e of PRICE_CATALOG) expect(catalogPrice(e.model)?.model, e.model).toBe(e.model);
  });

  it('a price row for the exact name wins over the catalog', () => {
    const s = span('a', 'gpt-4o-2024-08-06', { input: 1_000_000, output: 0 }, { usage: {} });
    const row = summarize([record('t1', [s])], [{ model: 'gpt-4o-2024-08-06', inputPer1M: 1, outputPer1M: 1 }]).models[0];
    expect(row).toMatchObject({ cost: 1, priceSource: 'override', priceModel: 'gpt-4o-2024-08-06' });
  });

  it('lists models without a price instead of counting them as zero', () => {
    const priced = span('a', 'gpt-4o', { input: 1_000, output: 0 }, {});
    const unknown = span('b', 'my-finetune-v3', { input: 5_000, output: 5_000 }, {});
    const summary = summarize([record('t1', [priced]), record('t2', [unknown])]);
    expect(summary.cost.unpricedModels).toEqual(['my-finetune-v3']);
    expect(summary.models.find((m) => m.model === 'my-finetune-v3')).toMatchObject({ cost: null, priceSource: null, priceModel: null });
    expect(summary.cost.total).toBeCloseTo((1_000 * 2.5) / 1e6, 12);
    expect(summary.cost.catalogDate).toBe(CATALOG_DATE);
  });
});
