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

/** An object given as JSON text (as MLflow stores attribute values) or already decoded; null for anything else. */
function jsonObject(value: unknown): Record<string, unknown> | null {
  let decoded = value;
  if (typeof value === 'string') {
    try {
      decoded = JSON.parse(value);
    } catch {
      return null;
    }
  }
  return decoded !== null && typeof decoded === 'object' && !Array.isArray(decoded) ? (decoded as Record<string, unknown>) : null;
}

/**
 * Reads `{input_tokens, output_tokens, total_tokens}`, either as the JSON text MLflow stores or
 * already decoded. Missing counts are 0, as in MLflow; anything that is not an object is no usage.
 */
export function parseStoredUsage(value: unknown): TokenUsage | null {
  const record = jsonObject(value);
  if (record === null) return null;
  return { input: count(record.input_tokens), output: count(record.output_tokens), total: count(record.total_tokens) };
}

/** The usage a span carries itself, from its attributes (values JSON-encoded as MLflow writes them, or decoded). */
export function spanTokenUsage(attributes: Record<string, unknown>): TokenUsage | null {
  const raw = attributes[SPAN_USAGE_KEY];
  return raw === undefined || raw === null ? null : parseStoredUsage(raw);
}

/**
 * The spans whose usage counts by MLflow's rule: depth-first from the roots (spans whose parent is
 * absent from the list), a span with usage counts unless an ancestor had usage. Iterative, so a
 * 30,000-span chain cannot overflow the stack; a malformed cycle is visited once.
 */
export function countedSpans<S extends SpanUsageNode>(spans: readonly S[]): S[] {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string, S[]>();
  const stack: { span: S; covered: boolean }[] = [];
  for (const span of spans) {
    if (span.parentId !== null && span.parentId !== span.spanId && ids.has(span.parentId)) {
      const list = children.get(span.parentId);
      if (list) list.push(span);
      else children.set(span.parentId, [span]);
    } else {
      stack.push({ span, covered: false });
    }
  }
  const counted: S[] = [];
  const seen = new Set<S>();
  while (stack.length > 0) {
    const { span, covered } = stack.pop() as { span: S; covered: boolean };
    if (seen.has(span)) continue;
    seen.add(span);
    if (span.usage !== null && !covered) counted.push(span);
    const below = covered || span.usage !== null;
    for (const child of children.get(span.spanId) ?? []) stack.push({ span: child, covered: below });
  }
  return counted;
}

/** MLflow's trace total: the sum over the counted spans; null when no span carries usage. */
export function traceTokenUsage(spans: readonly SpanUsageNode[]): TokenUsage | null {
  const counted = countedSpans(spans);
  if (counted.length === 0) return null;
  const total: TokenUsage = { input: 0, output: 0, total: 0 };
  for (const { usage } of counted) {
    if (usage === null) continue;
    total.input += usage.input;
    total.output += usage.output;
    total.total += usage.total;
  }
  return total;
}

export function sameUsage(a: TokenUsage | null, b: TokenUsage | null): boolean {
  if (a === null || b === null) return a === b;
  return a.input === b.input && a.output === b.output && a.total === b.total;
}

/** A mismatch is only claimed when MLflow stored a total and it differs from the computed one. */
export function usageMismatch(computed: TokenUsage | null, stored: TokenUsage | null): boolean {
  return stored !== null && !sameUsage(computed, stored);
}

/**
 * Prompt caching as a provider's response reports it. `cacheRead` tokens cost the cached-input
 * rate, `cacheWrite` the cache-write rate; `inInput` of them are already inside the span's input
 * count (OpenAI counts cached tokens in prompt_tokens; Anthropic reports them beside input_tokens).
 */
export interface CacheUsage {
  cacheRead: number;
  cacheWrite: number;
  inInput: number;
}

export const NO_CACHE: CacheUsage = { cacheRead: 0, cacheWrite: 0, inInput: 0 };

function nested(record: Record<string, unknown>, key: string): Record<string, unknown> | null {
  const value = record[key];
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/**
 * The cache counts in a response's `usage` object: OpenAI Chat Completions
 * (`prompt_tokens_details.cached_tokens`), OpenAI Responses (`input_tokens_details.cached_tokens`),
 * Anthropic (`cache_read_input_tokens`, `cache_creation_input_tokens`). Null when it reports none.
 */
export function responseCacheUsage(usage: unknown): CacheUsage | null {
  if (usage === null || typeof usage !== 'object' || Array.isArray(usage)) return null;
  const record = usage as Record<string, unknown>;
  const details = nested(record, 'prompt_tokens_details') ?? nested(record, 'input_tokens_details');
  const openaiCached = details === null ? 0 : Math.max(0, count(details.cached_tokens));
  const anthropicRead = Math.max(0, count(record.cache_read_input_tokens));
  const anthropicWrite = Math.max(0, count(record.cache_creation_input_tokens));
  if (openaiCached + anthropicRead + anthropicWrite === 0) return null;
  return { cacheRead: openaiCached + anthropicRead, cacheWrite: anthropicWrite, inInput: openaiCached };
}

/** The cache counts of a span's response (`mlflow.spanOutputs`, JSON text as MLflow writes it, or decoded). */
export function spanCacheUsage(outputs: unknown): CacheUsage | null {
  const response = jsonObject(outputs);
  return response === null ? null : responseCacheUsage(response.usage);
}
