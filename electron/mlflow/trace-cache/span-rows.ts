// What the trace cache keeps of each span a tracking server gives (get-trace-artifact's span JSON)
// or a file store holds (traces.json, the same JSON): name, type, status and duration for latency
// per span type and model, and for span filters the status and the model any span called. The sqlite
// token cache reads the same from MLflow's spans table (tokens/trace-reads.ts).

import type { Span } from '../../../shared/schemas/mlflow.js';
import { spanPromptFacts, type SpanPromptFacts } from '../prompts/prompt-facts.js';
import { spanStatus } from '../spans.js';
import { spanModel, spanUsageFromJson, traceUsage, type SpanUsage, type TraceUsage } from '../tokens/trace-usage.js';

export interface CachedSpan {
  name: string;
  type: string | null;
  /** The model of a span that carries usage (as the token figures count it); else null. */
  model: string | null;
  error: boolean;
  durationMs: number;
  status: Span['status'];
  /** The model the span called whether or not it carries usage (as the trace list's span filter reads it). */
  calls: string | null;
}

/** MLflow JSON-encodes each attribute value: `"\"CHAT_MODEL\""`. */
function decodedString(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  try {
    const decoded: unknown = JSON.parse(value);
    return typeof decoded === 'string' ? decoded : value;
  } catch {
    return value;
  }
}

const nanos = (value: unknown): number | null => (typeof value === 'number' || (typeof value === 'string' && value.trim() !== '') ? Number(value) : null);

/** Epoch nanoseconds pass 2^53: given as digit strings, the difference is taken exactly. */
function durationMs(start: unknown, end: unknown): number {
  if (typeof start === 'string' && typeof end === 'string' && /^\d+$/.test(start) && /^\d+$/.test(end)) return Number(BigInt(end) - BigInt(start)) / 1e6;
  return ((nanos(end) as number) - (nanos(start) as number)) / 1e6;
}

/**
 * The span's row, or null for a span that has not ended (no duration yet), has no times, or no id
 * (not a span to the trace view either). MLflow 2's span JSON names them start_time, end_time and context.span_id.
 */
export function cachedSpan(raw: Record<string, unknown>, usage: SpanUsage): CachedSpan | null {
  const startTime = raw.start_time_unix_nano ?? raw.start_time;
  const endTime = raw.end_time_unix_nano ?? raw.end_time;
  const start = nanos(startTime);
  const end = nanos(endTime);
  if (start === null || end === null || !Number.isFinite(start) || !Number.isFinite(end)) return null;
  // The usage read already took the id (MLflow 3's span_id or MLflow 2's context.span_id).
  if (usage.spanId === '') return null;
  const attributes = raw.attributes !== null && typeof raw.attributes === 'object' ? (raw.attributes as Record<string, unknown>) : {};
  const status = spanStatus(raw).status;
  return {
    name: typeof raw.name === 'string' ? raw.name : '',
    type: decodedString(attributes['mlflow.spanType']),
    model: usage.model,
    error: status === 'ERROR',
    durationMs: durationMs(startTime, endTime),
    status,
    calls: usage.model ?? spanModel(attributes),
  };
}

/** What the cache keeps of one trace's span list: usage split by model, span rows and prompt facts. */
export function spanFacts(spans: unknown): TraceUsage & { spans: CachedSpan[]; prompt: SpanPromptFacts } {
  const raw = (Array.isArray(spans) ? spans : []).filter((s): s is Record<string, unknown> => s !== null && typeof s === 'object' && !Array.isArray(s));
  const usages = raw.map((s) => spanUsageFromJson(s));
  const rows = raw.map((s, i) => cachedSpan(s, usages[i])).filter((s): s is CachedSpan => s !== null);
  return { ...traceUsage(usages), spans: rows, prompt: spanPromptFacts(raw) };
}
