// What the trace cache keeps of each span a tracking server gives (get-trace-artifact's span JSON):
// name, type, status and duration for latency per span type and model, and for span filters the
// status and the model any span called. The sqlite token cache reads the same from MLflow's spans
// table (tokens/trace-reads.ts).

import type { Span } from '../../../shared/schemas/mlflow.js';
import { spanStatus } from '../spans.js';
import { spanModel } from '../tokens/trace-usage.js';

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

/** The span's row, or null for a span that has not ended (no duration yet) or has no times. */
export function cachedSpan(raw: Record<string, unknown>, model: string | null): CachedSpan | null {
  const start = nanos(raw.start_time_unix_nano);
  const end = nanos(raw.end_time_unix_nano);
  if (start === null || end === null || !Number.isFinite(start) || !Number.isFinite(end)) return null;
  const attributes = raw.attributes !== null && typeof raw.attributes === 'object' ? (raw.attributes as Record<string, unknown>) : {};
  const status = spanStatus(raw).status;
  return {
    name: typeof raw.name === 'string' ? raw.name : '',
    type: decodedString(attributes['mlflow.spanType']),
    model,
    error: status === 'ERROR',
    durationMs: (end - start) / 1e6,
    status,
    calls: spanModel(attributes),
  };
}
