// Token usage of MLflow traces, following MLflow's own rule (mlflow/tracing/utils
// aggregate_usage_from_spans): a trace's total is the sum of the spans that carry
// `mlflow.chat.tokenUsage`, skipping every span below one that already carries it (an agent span
// that reports its children's usage must not count them twice). Pure: used by main, the CLI and tests.

export interface TokenUsage {
  input: number;
  output: number;
  total: number;
}

/** Span attribute MLflow's autologgers set on CHAT_MODEL / LLM spans. */
export const SPAN_USAGE_KEY = 'mlflow.chat.tokenUsage';
/** Trace metadata MLflow computes at export with the same rule. */
export const TRACE_USAGE_KEY = 'mlflow.trace.tokenUsage';

export interface SpanUsageNode {
  spanId: string;
  parentId: string | null;
  usage: TokenUsage | null;
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/**
 * Reads `{input_tokens, output_tokens, total_tokens}`, either as the JSON text MLflow stores or
 * already decoded. Missing counts are 0, as in MLflow; anything that is not an object is no usage.
 */
export function parseStoredUsage(value: unknown): TokenUsage | null {
  let decoded = value;
  if (typeof value === 'string') {
    try {
      decoded = JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (decoded === null || typeof decoded !== 'object' || Array.isArray(decoded)) return null;
  const record = decoded as Record<string, unknown>;
  return { input: count(record.input_tokens), output: count(record.output_tokens), total: count(record.total_tokens) };
}

/** The usage a span carries itself, from its attributes (values JSON-encoded as MLflow writes them, or decoded). */
export function spanTokenUsage(attributes: Record<string, unknown>): TokenUsage | null {
  const raw = attributes[SPAN_USAGE_KEY];
  return raw === undefined || raw === null ? null : parseStoredUsage(raw);
}

/**
 * MLflow's trace total: depth-first from the roots (spans whose parent is absent from the list),
 * summing a span's usage only when no ancestor had usage. Null when no span carries usage.
 * Iterative, so a 30,000-span chain cannot overflow the stack; a malformed cycle is visited once.
 */
export function traceTokenUsage(spans: readonly SpanUsageNode[]): TokenUsage | null {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string, SpanUsageNode[]>();
  const stack: { span: SpanUsageNode; covered: boolean }[] = [];
  for (const span of spans) {
    if (span.parentId !== null && span.parentId !== span.spanId && ids.has(span.parentId)) {
      const list = children.get(span.parentId);
      if (list) list.push(span);
      else children.set(span.parentId, [span]);
    } else {
      stack.push({ span, covered: false });
    }
  }
  const total: TokenUsage = { input: 0, output: 0, total: 0 };
  let any = false;
  const seen = new Set<SpanUsageNode>();
  while (stack.length > 0) {
    const { span, covered } = stack.pop() as { span: SpanUsageNode; covered: boolean };
    if (seen.has(span)) continue;
    seen.add(span);
    if (span.usage !== null && !covered) {
      total.input += span.usage.input;
      total.output += span.usage.output;
      total.total += span.usage.total;
      any = true;
    }
    const below = covered || span.usage !== null;
    for (const child of children.get(span.spanId) ?? []) stack.push({ span: child, covered: below });
  }
  return any ? total : null;
}

export function sameUsage(a: TokenUsage | null, b: TokenUsage | null): boolean {
  if (a === null || b === null) return a === b;
  return a.input === b.input && a.output === b.output && a.total === b.total;
}

/** A mismatch is only claimed when MLflow stored a total and it differs from the computed one. */
export function usageMismatch(computed: TokenUsage | null, stored: TokenUsage | null): boolean {
  return stored !== null && !sameUsage(computed, stored);
}
