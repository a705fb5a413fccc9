import { NO_CACHE, spanCacheUsage, spanTokenUsage, usageShares, type CacheUsage, type TokenUsage } from '../../../shared/token-usage.js';
import { normalizeSpanId } from '../span-id.js';
import { byTotalThen } from './summary.js';

// One trace's token usage by MLflow's rule, split by model by the one rule that shares it over spans
// (shared/token-usage.ts usageShares): each share on the model its span called, with the prompt-cache
// counts the span's response reports.

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
  const shares = usageShares(spans);
  if (shares.length === 0) return { usage: null, byModel: [] };
  const usage: TokenUsage = { input: 0, output: 0, total: 0 };
  const models = new Map<string | null, ModelUsage>();
  for (const share of shares) {
    const { model } = share.span;
    let into = models.get(model);
    if (!into) models.set(model, (into = modelShare(model, { input: 0, output: 0, total: 0 })));
    const cache = shareCache(share.span, share.below, share.usage);
    for (const sum of [usage, into]) {
      sum.input += share.usage.input;
      sum.output += share.usage.output;
      sum.total += share.usage.total;
    }
    into.cacheRead += cache.cacheRead;
    into.cacheWrite += cache.cacheWrite;
    into.cacheInInput += cache.inInput;
  }
  const all = [...models.values()];
  // A model whose counted spans report zero tokens is no share of a several-model trace.
  const byModel = all.length === 1 ? all : all.filter((m) => m.input > 0 || m.output > 0 || m.total > 0);
  byModel.sort(byTotalThen((m) => m.model));
  return { usage, byModel };
}

/** A share's prompt-cache counts: the span's own, less those of the spans below that took part of its usage (never more than its input). */
function shareCache(span: SpanUsage, below: readonly SpanUsage[], usage: TokenUsage): CacheUsage {
  const own = span.cache ?? NO_CACHE;
  if (below.length === 0) return own;
  const rest = { ...own };
  for (const b of below) {
    const cache = b.cache ?? NO_CACHE;
    rest.cacheRead -= cache.cacheRead;
    rest.cacheWrite -= cache.cacheWrite;
    rest.inInput -= cache.inInput;
  }
  return { cacheRead: Math.max(0, rest.cacheRead), cacheWrite: Math.max(0, rest.cacheWrite), inInput: Math.min(usage.input, Math.max(0, rest.inInput)) };
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

/**
 * The usage-relevant part of one span as MLflow's span JSON has it (spans.content, traces.json):
 * MLflow 3's span_id and parent_span_id, or MLflow 2's context.span_id and parent_id, as the span
 * view reads them, so nesting is seen in both.
 */
export function spanUsageFromJson(span: { span_id?: unknown; parent_span_id?: unknown; parent_id?: unknown; context?: unknown; attributes?: unknown }): SpanUsage {
  const attributes = span.attributes !== null && typeof span.attributes === 'object' ? (span.attributes as Record<string, unknown>) : {};
  const context = span.context !== null && typeof span.context === 'object' ? (span.context as Record<string, unknown>) : {};
  const usage = spanTokenUsage(attributes);
  const spanId = normalizeSpanId(span.span_id ?? context.span_id) ?? '';
  const parentId = normalizeSpanId(span.parent_span_id ?? span.parent_id);
  return {
    spanId,
    parentId: parentId === spanId ? null : parentId,
    usage,
    model: usage === null ? null : spanModel(attributes),
    cache: usage === null ? null : spanCacheUsage(attributes['mlflow.spanOutputs']),
  };
}
