import { spanTokenUsage, traceTokenUsage, type TokenUsage } from '../../../shared/token-usage.js';
import { byTotalThen } from './summary.js';

// One trace's token usage, split by model, by MLflow's rule (shared/token-usage.ts). The split
// reuses that rule exactly: for each model, the other models' spans keep a zero usage, so they still
// hide the spans below them, but add nothing.

export interface ModelUsage extends TokenUsage {
  model: string | null;
}

export interface SpanUsage {
  spanId: string;
  parentId: string | null;
  usage: TokenUsage | null;
  model: string | null;
}

export interface TraceUsage {
  usage: TokenUsage | null;
  /** Models with tokens counted, largest total first (ties by name, unknown model last). */
  byModel: ModelUsage[];
}

const ZERO: TokenUsage = { input: 0, output: 0, total: 0 };

export function traceUsage(spans: readonly SpanUsage[]): TraceUsage {
  const usage = traceTokenUsage(spans.map((s) => ({ spanId: s.spanId, parentId: s.parentId, usage: s.usage })));
  if (usage === null) return { usage, byModel: [] };
  const models = [...new Set(spans.filter((s) => s.usage !== null).map((s) => s.model))];
  if (models.length === 1) return { usage, byModel: [{ model: models[0], ...usage }] };
  const byModel: ModelUsage[] = [];
  for (const model of models) {
    const part = traceTokenUsage(spans.map((s) => ({ spanId: s.spanId, parentId: s.parentId, usage: s.usage && (s.model === model ? s.usage : ZERO) })));
    if (part && (part.input > 0 || part.output > 0 || part.total > 0)) byModel.push({ model, ...part });
  }
  byModel.sort(byTotalThen((m) => m.model));
  return { usage, byModel };
}

/** A JSON-encoded attribute value (as MLflow writes them) or an already decoded one. */
function decoded(value: unknown): unknown {
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
  };
}
