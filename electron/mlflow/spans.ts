import type { Json } from '../../shared/json.js';
import { MAX_SPAN_VALUE_CHARS, MAX_SPANS_WITH_PAYLOADS, type Span, type SpanEvent } from '../../shared/schemas/mlflow.js';
import { spanTokenUsage } from '../../shared/token-usage.js';
import { normalizeSpanId } from './span-id.js';
import { modelFrom } from './tokens/trace-usage.js';

// MLflow span JSON (the `spans.content` column and each element of traces.json `spans`) into the
// contract's Span. MLflow writes every attribute value JSON-encoded, ids as base64 of the OTel
// bytes (the spans table and REST use hex), times in ns. MLflow 2 traces.json (`context.span_id`,
// `parent_id`, `status_code`) is read too.

type Raw = Record<string, unknown>;

const INPUTS = 'mlflow.spanInputs';
const OUTPUTS = 'mlflow.spanOutputs';
const TYPE = 'mlflow.spanType';
const FORMAT = 'mlflow.message.format';

function isRecord(value: unknown): value is Raw {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** JSON-decodes an attribute value; a value that is not JSON text stays as it is. */
function decode(value: unknown): Json {
  if (typeof value !== 'string') return toJson(value);
  try {
    return toJson(JSON.parse(value));
  } catch {
    return value;
  }
}

function toJson(value: unknown): Json {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(toJson);
  if (isRecord(value)) {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toJson(v);
    return out;
  }
  return String(value);
}

/** Keeps payloads bounded: a value whose JSON text is over the cap becomes its first characters. */
function capped(raw: unknown, state: { truncated: boolean }): Json {
  const text = typeof raw === 'string' ? raw : raw === undefined ? undefined : JSON.stringify(raw);
  if (text !== undefined && text.length > MAX_SPAN_VALUE_CHARS) {
    state.truncated = true;
    return `${text.slice(0, MAX_SPAN_VALUE_CHARS)}…`;
  }
  return decode(raw);
}

function nanos(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return null;
}

/** A span's status from MLflow's (`status.code`, `STATUS_CODE_ERROR`) or OTLP's shapes. */
export function spanStatus(raw: Raw): { status: Span['status']; message: string } {
  const status = isRecord(raw.status) ? raw.status : undefined;
  const code = str(status?.code) ?? str(raw.status_code) ?? str(raw.status) ?? '';
  const message = str(status?.message) ?? str(raw.status_message) ?? '';
  const upper = code.toUpperCase();
  return { status: upper.endsWith('ERROR') ? 'ERROR' : upper.endsWith('OK') ? 'OK' : 'UNSET', message };
}

function eventsOf(raw: unknown): SpanEvent[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter(isRecord).map((e) => ({
    name: str(e.name) ?? '',
    timeUnixNano: nanos(e.time_unix_nano ?? e.timestamp) ?? 0,
    attributes: isRecord(e.attributes) ? (toJson(e.attributes) as Record<string, Json>) : {},
  }));
}

/** One span; null for something that is not a span (no id). */
export function spanFromJson(value: unknown): Span | null {
  if (!isRecord(value)) return null;
  const context = isRecord(value.context) ? value.context : undefined;
  const spanId = normalizeSpanId(value.span_id ?? context?.span_id);
  if (spanId === null) return null;
  const parentId = normalizeSpanId(value.parent_span_id ?? value.parent_id);
  const attrs = isRecord(value.attributes) ? value.attributes : {};
  const state = { truncated: false };
  const inputs = capped(attrs[INPUTS], state);
  const outputs = capped(attrs[OUTPUTS], state);
  const attributes: Record<string, Json> = {};
  for (const [key, raw] of Object.entries(attrs)) {
    if (key !== INPUTS && key !== OUTPUTS) attributes[key] = capped(raw, state);
  }
  const events = eventsOf(value.events);
  const startNs = nanos(value.start_time_unix_nano ?? value.start_time);
  const endNs = nanos(value.end_time_unix_nano ?? value.end_time);
  const { status, message } = spanStatus(value);
  const type = decode(attrs[TYPE]);
  const format = decode(attrs[FORMAT]);
  return {
    spanId,
    parentId: parentId === spanId ? null : parentId,
    name: str(value.name) ?? '',
    type: typeof type === 'string' ? type : null,
    status,
    statusMessage: message,
    startMs: startNs === null ? 0 : startNs / 1e6,
    endMs: endNs === null ? null : endNs / 1e6,
    inputs,
    outputs,
    attributes,
    events,
    exceptions: events
      .filter((e) => e.name === 'exception')
      .map((e) => ({
        type: str(e.attributes['exception.type']),
        message: str(e.attributes['exception.message']),
        stacktrace: str(e.attributes['exception.stacktrace']),
      })),
    messageFormat: typeof format === 'string' ? format : null,
    // A payload cut short may have lost its model field: then the rule reads the whole value.
    model: state.truncated ? modelFrom(attrs.model, attrs[INPUTS], attrs[OUTPUTS]) : modelFrom(attrs.model, inputs, outputs),
    usage: spanTokenUsage(attrs),
    truncated: state.truncated,
  };
}

/** A span without its payload (inputs, outputs, attributes), for traces too large to send whole. */
export function withoutPayload(span: Span): Span {
  return { ...span, inputs: null, outputs: null, attributes: {}, truncated: true };
}

export interface ParsedTrace {
  spans: Span[];
  payloads: 'included' | 'on request';
}

/** Spans as a trace view gets them: whole, or without payloads past MAX_SPANS_WITH_PAYLOADS. */
export function forTraceView(spans: Span[]): ParsedTrace {
  return spans.length > MAX_SPANS_WITH_PAYLOADS ? { spans: spans.map(withoutPayload), payloads: 'on request' } : { spans, payloads: 'included' };
}

/** The spans of a traces.json document (`{"spans": [...]}`), in start order. */
export function spansFromTraceJson(text: string): Span[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(`traces.json is not JSON (${(err as Error).message}).`);
  }
  const list = isRecord(doc) && Array.isArray(doc.spans) ? doc.spans : isRecord(doc) && isRecord(doc.data) && Array.isArray(doc.data.spans) ? doc.data.spans : null;
  if (list === null) throw new Error('traces.json has no "spans" list.');
  const spans: Span[] = [];
  for (const raw of list) {
    const span = spanFromJson(raw);
    if (span) spans.push(span);
  }
  return spans.sort((a, b) => a.startMs - b.startMs);
}
