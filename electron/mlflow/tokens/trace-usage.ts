import { countedSpans, NO_CACHE, spanCacheUsage, spanTokenUsage, type CacheUsage, type TokenUsage } from '../../../shared/token-usage.js';
import { byTotalThen } from './summary.js';

// One trace's token usage, split by model, by MLflow's rule (shared/token-usage.ts): the spans that
// rule counts, grouped by the model each called, with the prompt-cache counts their responses report.

export interface ModelUsage extends TokenUsage {
  model: string | null;
  cacheRead: number;
  cacheWrite: number;
  /** How many of cacheRead and cacheWrite are inside `input` (see CacheUsage). */
  cacheInInput: number;
}

export interface SpanUsage {
  spanId: string;
  parentId: string | null;
  usage: TokenUsage | null;
  model: string | null;
  /** From the span's response; null when it reports no prompt caching. */
  cache: CacheUsage | null;
}

export interface TraceUsage {
  usage: TokenUsage | null;
  /** Models with tokens counted, largest total first (ties by name, unknown model last). */
  byModel: ModelUsage[];
}

/** A model's share with no cache counts (for usage known only as a total). */
export const modelShare = (model: string | null, usage: TokenUsage): ModelUsage => ({ model, ...usage, cacheRead: 0, cacheWrite: 0, cacheInInput: 0 });

export function traceUsage(spans: readonly SpanUsage[]): TraceUsage {
  const counted = countedSpans(spans);
  if (counted.length === 0) return { usage: null, byModel: [] };
  const usage: TokenUsage = { input: 0, output: 0, total: 0 };
  const models = new Map<string | null, ModelUsage>();
  for (const span of counted) {
    if (span.usage === null) continue;
    let share = models.get(span.model);
    if (!share) models.set(span.model, (share = modelShare(span.model, { input: 0, output: 0, total: 0 })));
    const cache = span.cache ?? NO_CACHE;
    for (const into of [usage, share]) {
      into.input += span.usage.input;
      into.output += span.usage.output;
      into.total += span.usage.total;
    }
    share.cacheRead += cache.cacheRead;
    share.cacheWrite += cache.cacheWrite;
    share.cacheInInput += cache.inInput;
  }
  const all = [...models.values()];
  // A model whose counted spans report zero tokens is no share of a several-model trace.
  const byModel = all.length === 1 ? all : all.filter((m) => m.input > 0 || m.output > 0 || m.total > 0);
  byModel.sort(byTotalThen((m) => m.model));
  return { usage, byModel };
}

/** A JSON-encoded attribute value (as MLflow writes them) or an already decoded one. */
export function decoded(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function modelField(value: unknown): string | null {
  const v = decoded(value);
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return null;
  const model = (v as Record<string, unknown>).model;
  return typeof model === 'string' && model !== '' ? model : null;
}

/**
 * The model a span called: MLflow 3 has no model key of its own, so the `model` attribute the
 * autologgers copy from the request, else the request's or the response's `model` field. The one
 * rule for the span view, the trace list (whose SQL pulls the same three fields) and token analytics.
 */
export function modelFrom(attribute: unknown, inputs: unknown, outputs: unknown): string | null {
  const value = decoded(attribute);
  if (typeof value === 'string' && value !== '') return value;
  return modelField(inputs) ?? modelField(outputs);
}

export function spanModel(attributes: Record<string, unknown>): string | null {
  return modelFrom(attributes.model, attributes['mlflow.spanInputs'], attributes['mlflow.spanOutputs']);
}

/** The usage-relevant part of one span as MLflow's span JSON has it (spans.content, traces.json). */
export function spanUsageFromJson(span: { span_id?: unknown; parent_span_id?: unknown; attributes?: unknown }): SpanUsage {
  const attributes = span.attributes !== null && typeof span.attributes === 'object' ? (span.attributes as Record<string, unknown>) : {};
  const usage = spanTokenUsage(attributes);
  return {
    spanId: String(span.span_id ?? ''),
    parentId: typeof span.parent_span_id === 'string' ? span.parent_span_id : null,
    usage,
    model: usage === null ? null : spanModel(attributes),
    cache: usage === null ? null : spanCacheUsage(attributes['mlflow.spanOutputs']),
  };
}
