// Token usage of MLflow traces, following MLflow's own rule (mlflow/tracing/utils
// aggregate_usage_from_spans): a trace's total is the sum of the spans that carry
// `mlflow.chat.tokenUsage`, skipping every span below one that already carries it (an agent span
// that reports its children's usage must not count them twice). Split by model, that total goes to
// the deepest spans reporting it (usageShares). Pure: used by main, the CLI and tests.

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

interface UsageTree<S> {
  /** Spans whose parent is absent from the list (or themselves). */
  roots: S[];
  children: Map<string, S[]>;
}

function usageTree<S extends SpanUsageNode>(spans: readonly S[]): UsageTree<S> {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string, S[]>();
  const roots: S[] = [];
  for (const span of spans) {
    if (span.parentId !== null && span.parentId !== span.spanId && ids.has(span.parentId)) {
      const list = children.get(span.parentId);
      if (list) list.push(span);
      else children.set(span.parentId, [span]);
    } else {
      roots.push(span);
    }
  }
  return { roots, children };
}

/**
 * Each span with usage, and the nearest span above it with usage (null when none): depth-first
 * from the roots, iterative, so a 30,000-span chain cannot overflow the stack; a malformed cycle is
 * visited once.
 */
function reportingSpans<S extends SpanUsageNode>(spans: readonly S[]): { span: S; above: S | null }[] {
  const { roots, children } = usageTree(spans);
  const stack = roots.map((span) => ({ span, above: null as S | null }));
  const out: { span: S; above: S | null }[] = [];
  const seen = new Set<S>();
  while (stack.length > 0) {
    const { span, above } = stack.pop() as { span: S; above: S | null };
    if (seen.has(span)) continue;
    seen.add(span);
    if (span.usage !== null) out.push({ span, above });
    const next = span.usage !== null ? span : above;
    for (const child of children.get(span.spanId) ?? []) stack.push({ span: child, above: next });
  }
  return out;
}

/** The spans whose usage counts by MLflow's rule: a span with usage counts unless a span above it has usage. */
export function countedSpans<S extends SpanUsageNode>(spans: readonly S[]): S[] {
  return reportingSpans(spans)
    .filter((r) => r.above === null)
    .map((r) => r.span);
}

/** Part of a trace's tokens, credited to one span (and so to the model it called). */
export interface UsageShare<S> {
  span: S;
  usage: TokenUsage;
  /** The spans just below that took the rest of this span's usage (empty when it keeps its usage whole). */
  below: S[];
}

const fits = (a: TokenUsage, b: TokenUsage) => a.input <= b.input && a.output <= b.output && a.total <= b.total;

/**
 * The one rule that splits a trace's tokens by span (and so by model), wherever a split is made
 * (the sqlite token cache, the trace cache of a server or a file store, the Prompts view): tokens go
 * to the deepest spans that report them. A span with usage whose nearest reporting descendants
 * report no more than it does (a chain or agent span summing its calls, as LangChain, OpenAI-agents
 * autologging and MLflow 3 write them) hands their usage to them and keeps only what they do not
 * account for; one whose descendants report more (it did not sum them) keeps its usage whole and
 * nothing below it counts, as in MLflow's total. So a span's usage counts only where no descendant
 * reports it, and the shares always sum to MLflow's total (traceTokenUsage).
 */
export function usageShares<S extends SpanUsageNode>(spans: readonly S[]): UsageShare<S>[] {
  const reporting = reportingSpans(spans);
  const below = new Map<S, S[]>();
  for (const { span, above } of reporting) {
    if (above === null) continue;
    const list = below.get(above);
    if (list) list.push(span);
    else below.set(above, [span]);
  }
  const shares: UsageShare<S>[] = [];
  const stack = reporting.filter((r) => r.above === null).map((r) => r.span);
  while (stack.length > 0) {
    const span = stack.pop() as S;
    const own = span.usage as TokenUsage;
    const kids = below.get(span) ?? [];
    const taken = sumUsage(kids.map((k) => k.usage as TokenUsage));
    if (kids.length === 0 || !fits(taken, own)) {
      shares.push({ span, usage: own, below: [] });
      continue;
    }
    const rest = { input: own.input - taken.input, output: own.output - taken.output, total: own.total - taken.total };
    if (rest.input !== 0 || rest.output !== 0 || rest.total !== 0) shares.push({ span, usage: rest, below: kids });
    stack.push(...kids);
  }
  return shares;
}

function sumUsage(usages: readonly TokenUsage[]): TokenUsage {
  const total: TokenUsage = { input: 0, output: 0, total: 0 };
  for (const usage of usages) {
    total.input += usage.input;
    total.output += usage.output;
    total.total += usage.total;
  }
  return total;
}

/** MLflow's trace total: the sum over the counted spans; null when no span carries usage. */
export function traceTokenUsage(spans: readonly SpanUsageNode[]): TokenUsage | null {
  const counted = countedSpans(spans);
  return counted.length === 0 ? null : sumUsage(counted.map((s) => s.usage as TokenUsage));
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
