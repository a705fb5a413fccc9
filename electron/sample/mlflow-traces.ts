import Database from 'better-sqlite3';
import { createMlflowSchema } from './mlflow-store.js';
import { mulberry32 } from './seeded-random.js';

// Synthetic MLflow tracking stores of any size: an sqlite db with MLflow's own schema (the DDL real
// MLflow wrote, mlflow-schema.ts) holding LLM traces shaped like
// the ones MLflow's autologgers write (SCHEMA.md): span JSON in `spans.content` with JSON-encoded
// attribute values, `mlflow.chat.tokenUsage` on CHAT_MODEL/LLM spans, nested spans (an LLM wrapper
// over a CHAT_MODEL span, both with usage, as LangChain does), the model in the `model` attribute or
// only in the request/response, user/session/token-usage trace metadata. Deterministic for a seed.
// It also returns what it wrote, per trace, so tests can check the app against the intent.

export interface TraceStoreOptions {
  traces: number;
  /** Spans over all traces (default 10 per trace), spread evenly (each trace has at least one). */
  spans?: number;
  /** Experiments 1..n, traces dealt round-robin (default 2). */
  experiments?: number;
  /** Start of the first trace, epoch ms (default 2026-11-01T00:00:00Z, near the shared fixture's clock). */
  startMs?: number;
  /** Days the traces spread over (default 30). */
  days?: number;
  models?: string[];
  users?: number;
  sessions?: number;
  /** Every nth trace with usage stores an mlflow.trace.tokenUsage that differs from its spans (0: none; default 0). */
  mismatchEvery?: number;
  /** The last n traces are IN_PROGRESS (default 0). */
  inProgress?: number;
  seed?: number;
  /** Deal the traces over these existing experiments instead of creating `experiments` synthetic ones. */
  experimentIds?: string[];
  /** The trace's artifact location for an experiment (default a wasbs:// URI in devstoreaccount1). */
  artifactRoot?: (experimentId: string) => string;
  /**
   * Responses report prompt caching (default false): claude-* spans in Anthropic's shape
   * (cache_read_input_tokens / cache_creation_input_tokens beside input_tokens), others in OpenAI's
   * (prompt_tokens_details.cached_tokens inside prompt_tokens). About half the calls hit the cache.
   */
  cachedTokens?: boolean;
}

export interface Usage {
  input: number;
  output: number;
  total: number;
}

/** Prompt-cache tokens of one call: read and written, and how many of them its input count already holds. */
export interface CacheCounts {
  cacheRead: number;
  cacheWrite: number;
  cacheInInput: number;
}

const NO_CACHE: CacheCounts = { cacheRead: 0, cacheWrite: 0, cacheInInput: 0 };

/** One counted span's usage (spans under a span with usage are not counted, as MLflow does). */
export interface Contribution extends Usage, CacheCounts {
  model: string | null;
}

/** One written span's timing, as the latency figures see it. */
export interface SpanTiming {
  type: string;
  /** Spans with usage only. */
  model: string | null;
  durationMs: number;
  error: boolean;
}

export interface WrittenTrace {
  traceId: string;
  experimentId: string;
  name: string;
  timestampMs: number;
  status: 'OK' | 'ERROR' | 'IN_PROGRESS';
  user: string | null;
  session: string | null;
  contributions: Contribution[];
  /** mlflow.trace.tokenUsage as written; null when absent. */
  stored: Usage | null;
  spans: number;
  /** trace_info.execution_time_ms; null for IN_PROGRESS. */
  durationMs: number | null;
  spanTimings: SpanTiming[];
}

export const DEFAULT_MODELS = ['gpt-4o', 'gpt-4o-mini', 'claude-3-5-sonnet-20241022', 'claude-3-haiku-20240307'];

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const b64 = (hexId: string) => Buffer.from(hexId, 'hex').toString('base64');
const attr = (value: unknown) => JSON.stringify(value);

interface SpanPlan {
  parent: number | null;
  type: string;
  name: string;
  usage: Usage | null;
  cache: CacheCounts;
  model: string | null;
  /** Where the model is written: the `model` attribute (and request/response), or only the request or response. */
  modelIn: 'attribute' | 'inputs' | 'outputs';
}

const anthropicShaped = (model: string | null) => model !== null && model.startsWith('claude');

function openaiResponse(s: SpanPlan, spanHex: string): Record<string, unknown> {
  const used = s.usage as Usage;
  const usage: Record<string, unknown> = { prompt_tokens: used.input, completion_tokens: used.output, total_tokens: used.total };
  if (s.cache.cacheRead > 0) usage.prompt_tokens_details = { cached_tokens: s.cache.cacheRead, audio_tokens: 0 };
  return {
    id: `chatcmpl-${spanHex.slice(0, 12)}`,
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content: '(synthetic answer)' }, finish_reason: 'stop' }],
    usage,
  };
}

/** Anthropic's Messages response: input_tokens excludes the cache reads and writes reported beside it. */
function anthropicResponse(s: SpanPlan, spanHex: string): Record<string, unknown> {
  const used = s.usage as Usage;
  return {
    id: `msg_${spanHex.slice(0, 12)}`,
    type: 'message',
    role: 'assistant',
    content: [{ type: 'text', text: '(synthetic answer)' }],
    stop_reason: 'end_turn',
    usage: { input_tokens: used.input, output_tokens: used.output, cache_read_input_tokens: s.cache.cacheRead, cache_creation_input_tokens: s.cache.cacheWrite },
  };
}

export function generateMlflowTraceStore(file: string, options: TraceStoreOptions): WrittenTrace[] {
  const rng = mulberry32(options.seed ?? 1);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rng() * items.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
  const traces = options.traces;
  const totalSpans = Math.max(options.spans ?? traces * 10, traces);
  const experimentIds = options.experimentIds ?? Array.from({ length: options.experiments ?? 2 }, (_, i) => String(i + 1));
  const experiments = experimentIds.length;
  const artifactRoot = options.artifactRoot ?? ((id: string) => `wasbs://mlflow@devstoreaccount1.blob.core.windows.net/synthetic/${id}`);
  const startMs = options.startMs ?? Date.UTC(2026, 10, 1);
  const spanMs = (options.days ?? 30) * 86_400_000;
  const models = options.models ?? DEFAULT_MODELS;
  const users = options.users ?? 20;
  const sessions = options.sessions ?? 500;
  const mismatchEvery = options.mismatchEvery ?? 0;
  const inProgress = options.inProgress ?? 0;
  const cachedTokens = options.cachedTokens ?? false;

  const db = new Database(file);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  createMlflowSchema(db);
  const insertExperiment = db.prepare(
    "INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time) VALUES (?, ?, ?, 'active', ?, ?)",
  );
  const insertTrace = db.prepare(
    'INSERT INTO trace_info (request_id, experiment_id, timestamp_ms, execution_time_ms, status, client_request_id, request_preview, response_preview) VALUES (?, ?, ?, ?, ?, NULL, ?, ?)',
  );
  const insertTag = db.prepare('INSERT INTO trace_tags (key, value, request_id) VALUES (?, ?, ?)');
  const insertMeta = db.prepare('INSERT INTO trace_request_metadata (key, value, request_id) VALUES (?, ?, ?)');
  const insertSpan = db.prepare(
    'INSERT INTO spans (trace_id, experiment_id, span_id, parent_span_id, name, type, status, start_time_unix_nano, end_time_unix_nano, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );

  const usage = (): Usage => {
    const input = int(20, 4000);
    const output = int(5, 800);
    return { input, output, total: input + output };
  };
  const caching = (model: string, used: Usage): CacheCounts => {
    if (!cachedTokens || rng() < 0.5) return NO_CACHE;
    if (anthropicShaped(model)) return { cacheRead: int(0, 3000), cacheWrite: int(0, 1500), cacheInInput: 0 };
    const cached = int(1, used.input);
    return { cacheRead: cached, cacheWrite: 0, cacheInInput: cached };
  };
  const chat = (parent: number | null, type = 'CHAT_MODEL'): SpanPlan => {
    const used = usage();
    const model = pick(models);
    return {
      parent,
      type,
      name: type === 'LLM' ? 'ChatOpenAI' : pick(['Completions', 'Messages.create']),
      usage: used,
      model,
      modelIn: rng() < 0.7 ? 'attribute' : rng() < 0.5 ? 'inputs' : 'outputs',
      cache: caching(model, used),
    };
  };
  const plain = (parent: number | null, type: string, name: string): SpanPlan => ({ parent, type, name, usage: null, cache: NO_CACHE, model: null, modelIn: 'attribute' });

  /** A tree of `count` spans: root first, parents before children. */
  function plan(count: number): SpanPlan[] {
    if (rng() < 0.08) {
      // Retrieval only: no usage anywhere.
      return Array.from({ length: count }, (_, i) => plain(i === 0 ? null : 0, 'RETRIEVER', `retrieve_${i}`));
    }
    if (count === 1) return [chat(null)];
    const spans: SpanPlan[] = [plain(null, pick(['AGENT', 'CHAIN']), 'agent')];
    while (spans.length < count) {
      const left = count - spans.length;
      const roll = rng();
      if (left >= 2 && roll < 0.15) {
        // LangChain-style: the wrapper and its child are the same call, reporting the same usage: counted once.
        const wrapper = chat(0, 'LLM');
        spans.push(wrapper);
        spans.push({ ...chat(spans.length - 1), model: wrapper.model, usage: wrapper.usage, cache: wrapper.cache });
      } else if (left >= 2 && roll < 0.3) {
        spans.push(plain(0, 'CHAIN', 'rag_chain'));
        spans.push(chat(spans.length - 1));
      } else if (roll < 0.65) {
        spans.push(chat(0));
      } else {
        spans.push(roll < 0.82 ? plain(0, 'TOOL', 'get_weather') : plain(0, 'RETRIEVER', 'search_docs'));
      }
    }
    return spans;
  }

  function counted(spans: SpanPlan[]): Contribution[] {
    const out: Contribution[] = [];
    const underUsage = spans.map(() => false);
    spans.forEach((s, i) => {
      const covered = s.parent !== null && (underUsage[s.parent] || spans[s.parent].usage !== null);
      underUsage[i] = covered;
      if (!covered && s.usage) out.push({ model: s.model, ...s.usage, ...s.cache });
    });
    return out;
  }

  function content(s: SpanPlan, traceHex: string, spanHex: string, parentHex: string | null, traceId: string, startNs: bigint, endNs: bigint, isRoot: boolean, experimentId: string): string {
    const attributes: Record<string, string> = {
      'mlflow.spanStartTimeNs': String(startNs),
      'mlflow.traceRequestId': attr(traceId),
      'mlflow.spanType': attr(s.type),
    };
    if (isRoot) attributes['mlflow.experimentId'] = attr(experimentId);
    if (s.usage && s.model) {
      const request: Record<string, unknown> = {
        messages: [
          { role: 'system', content: 'You are a helpful support assistant.' },
          { role: 'user', content: `Question ${spanHex.slice(0, 6)} about the billing plan?` },
        ],
        temperature: 0.2,
        max_tokens: 512,
      };
      const response = cachedTokens && anthropicShaped(s.model) ? anthropicResponse(s, spanHex) : openaiResponse(s, spanHex);
      if (s.modelIn !== 'outputs') request.model = s.model;
      if (s.modelIn !== 'inputs') response.model = s.model;
      attributes['mlflow.spanInputs'] = attr(request);
      if (s.modelIn === 'attribute') {
        attributes.model = attr(s.model);
        attributes.temperature = '0.2';
        attributes.max_tokens = '512';
      }
      attributes['mlflow.message.format'] = attr('openai');
      attributes['mlflow.chat.tokenUsage'] = attr({ input_tokens: s.usage.input, output_tokens: s.usage.output, total_tokens: s.usage.total });
      attributes['mlflow.spanOutputs'] = attr(response);
    } else {
      attributes['mlflow.spanInputs'] = attr({ query: `lookup ${spanHex.slice(0, 8)}` });
      attributes['mlflow.spanOutputs'] = attr([{ page_content: 'Synthetic document text about regions and plans.', metadata: { doc_uri: 'kb/plans.md' } }]);
    }
    return JSON.stringify({
      trace_id: b64(traceHex),
      span_id: b64(spanHex),
      parent_span_id: parentHex === null ? null : b64(parentHex),
      name: s.name,
      start_time_unix_nano: Number(startNs),
      end_time_unix_nano: Number(endNs),
      events: [],
      status: { code: 'STATUS_CODE_OK', message: '' },
      attributes,
    });
  }

  const written: WrittenTrace[] = [];
  const base = Math.floor(totalSpans / traces);
  const extra = totalSpans % traces;
  let spanCounter = 0;
  let withUsage = 0;
  db.transaction(() => {
    if (options.experimentIds === undefined) {
      for (const id of experimentIds) insertExperiment.run(Number(id), `synthetic-${id}`, artifactRoot(id), startMs, startMs);
    }
    for (let t = 0; t < traces; t++) {
      const traceHex = hex(t, 8) + hex(Math.floor(rng() * 2 ** 32), 8) + hex(Math.floor(rng() * 2 ** 32), 8) + hex(Math.floor(rng() * 2 ** 32), 8);
      const traceId = `tr-${traceHex}`;
      const experimentId = experimentIds[t % experiments];
      const timestampMs = startMs + Math.floor((t * spanMs) / traces) + int(0, 999);
      const status: WrittenTrace['status'] = t >= traces - inProgress ? 'IN_PROGRESS' : rng() < 0.05 ? 'ERROR' : 'OK';
      const user = rng() < 0.9 ? `user-${int(1, users)}` : null;
      const session = rng() < 0.8 ? `session-${int(1, sessions)}` : null;
      const name = pick(['support_agent', 'rag_answer', 'Completions', 'summarize']);
      const spans = plan(base + (t < extra ? 1 : 0));
      const contributions = counted(spans);
      let stored: Usage | null = null;
      if (contributions.length > 0 && status !== 'IN_PROGRESS') {
        withUsage++;
        stored = contributions.reduce((a, c) => ({ input: a.input + c.input, output: a.output + c.output, total: a.total + c.total }), { input: 0, output: 0, total: 0 });
        if (mismatchEvery > 0 && withUsage % mismatchEvery === 0) stored = { ...stored, input: stored.input + 1, total: stored.total + 1 };
      }
      const durationMs = int(200, 9000);
      insertTrace.run(traceId, experimentId, timestampMs, status === 'IN_PROGRESS' ? null : durationMs, status, `Question about ${name}`, status === 'IN_PROGRESS' ? null : '(synthetic answer)');
      insertTag.run('mlflow.traceName', name, traceId);
      insertTag.run('mlflow.artifactLocation', `${artifactRoot(experimentId)}/traces/${traceId}/artifacts`, traceId);
      insertMeta.run('mlflow.trace_schema.version', '3', traceId);
      if (user !== null) insertMeta.run('mlflow.trace.user', user, traceId);
      if (session !== null) insertMeta.run('mlflow.trace.session', session, traceId);
      if (stored) insertMeta.run('mlflow.trace.tokenUsage', JSON.stringify({ input_tokens: stored.input, output_tokens: stored.output, total_tokens: stored.total }), traceId);
      const ids = spans.map(() => hex(++spanCounter, 16));
      const startNs = BigInt(timestampMs) * 1_000_000n;
      const spanTimings: SpanTiming[] = [];
      spans.forEach((s, i) => {
        const begin = startNs + BigInt(i) * 1_000_000n;
        const lengthMs = int(1, durationMs);
        const end = begin + BigInt(lengthMs) * 1_000_000n;
        const parentHex = s.parent === null ? null : ids[s.parent];
        // A failed trace's root span failed with it.
        const error = status === 'ERROR' && i === 0;
        insertSpan.run(traceId, experimentId, ids[i], parentHex, s.name, s.type, error ? 'ERROR' : 'OK', begin, end, content(s, traceHex, ids[i], parentHex, traceId, begin, end, i === 0, experimentId));
        spanTimings.push({ type: s.type, model: s.usage ? s.model : null, durationMs: lengthMs, error });
      });
      written.push({
        traceId,
        experimentId,
        name,
        timestampMs,
        status,
        user,
        session,
        contributions,
        stored,
        spans: spans.length,
        durationMs: status === 'IN_PROGRESS' ? null : durationMs,
        spanTimings,
      });
    }
  })();
  db.close();
  return written;
}
