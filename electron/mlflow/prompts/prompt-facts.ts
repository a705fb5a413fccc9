import { PROMPT_NAME, PROMPT_VERSION } from '../../../shared/prompt-key.js';
import { decoded } from '../tokens/trace-usage.js';
import { contentText, isObject, templateFingerprint, traceTemplate, type Json, type SpanTemplate } from './template-facts.js';

// What a trace says about the prompt it ran: the registered prompt versions MLflow linked to it
// (the `mlflow.linkedPrompts` tag that mlflow.genai.load_prompt writes inside a trace), and, from
// its spans, the system prompt, the user's input and the model's answer of its first LLM call.
// The span JSON is MLflow's (spans.content, traces.json): attributes are JSON-encoded strings.

export const LINKED_PROMPTS_TAG = 'mlflow.linkedPrompts';
/** Text kept per trace for the side-by-side comparison; longer inputs and answers are cut. */
export const MAX_FACT_CHARS = 4000;

export interface PromptRef {
  name: string;
  version: string;
}

/** A trace's prompt facts from its spans; each null when no LLM span carries it. */
export interface SpanPromptFacts {
  /** Whitespace-normalised first system message. */
  system: string | null;
  input: string | null;
  output: string | null;
  /** The prompt template a span carries (template-facts.ts); null when none does. */
  template: SpanTemplate | null;
}

/** The tag's prompt versions; anything malformed in it is left out (a tag is data, not ours to trust). */
export function parseLinkedPrompts(value: unknown): PromptRef[] {
  const parsed = decoded(value);
  if (!Array.isArray(parsed)) return [];
  const refs: PromptRef[] = [];
  for (const entry of parsed) {
    // Names and versions MLflow could not have written are left out: they also make the prompt's key.
    if (!isObject(entry) || typeof entry.name !== 'string' || !PROMPT_NAME.test(entry.name)) continue;
    const version = typeof entry.version === 'number' ? String(entry.version) : entry.version;
    if (typeof version !== 'string' || !PROMPT_VERSION.test(version)) continue;
    if (!refs.some((r) => r.name === entry.name && r.version === version)) refs.push({ name: entry.name, version });
  }
  return refs;
}

/** The tag's prompt versions as the trace cache stores them (JSON); null when there are none. */
export function linkedJson(value: unknown): string | null {
  const refs = parseLinkedPrompts(value);
  return refs.length === 0 ? null : JSON.stringify(refs);
}

/** Runs of whitespace become one space, ends trimmed: the same prompt re-indented is the same prompt. */
export const normaliseWhitespace = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** The fingerprint an unregistered system prompt is grouped by (computed in the cache worker). */
export const systemFingerprint = (normalised: string): string => templateFingerprint(normalised);

const cut = (text: string): string => (text.length > MAX_FACT_CHARS ? `${text.slice(0, MAX_FACT_CHARS)}…` : text);

/** A message's role: OpenAI's `role`, or LangChain's message `type` (system, human). */
const roleOf = (m: Json): unknown => (m.role !== undefined ? m.role : m.type === 'human' ? 'user' : m.type);

/**
 * The system prompt and last user message of a chat request (OpenAI `messages`, Anthropic top-level
 * `system`, LangChain's list of message lists as mlflow/langchain/langchain_tracer.py records it).
 */
function requestFacts(inputs: unknown): { system: string | null; input: string | null } {
  const request = decoded(inputs);
  const langchain = Array.isArray(request) && Array.isArray(request[0]) ? (request[0] as unknown[]) : null;
  if (!isObject(request) && langchain === null) return { system: null, input: null };
  let system = isObject(request) && request.system !== undefined ? contentText(request.system) : null;
  let input: string | null = null;
  const messages = langchain ?? (isObject(request) && Array.isArray(request.messages) ? request.messages : []);
  for (const m of messages) {
    if (!isObject(m)) continue;
    const text = contentText(m.content);
    if (text === null) continue;
    const role = roleOf(m);
    if ((role === 'system' || role === 'developer') && system === null) system = text;
    else if (role === 'user') input = text;
  }
  return { system, input };
}

/** The answer text of a chat response (OpenAI `choices[0].message`, Anthropic `content` blocks, LangChain's LLMResult). */
function responseText(outputs: unknown): string | null {
  const response = decoded(outputs);
  if (typeof response === 'string') return response;
  if (!isObject(response)) return null;
  if (Array.isArray(response.generations) && Array.isArray(response.generations[0]) && isObject(response.generations[0][0])) {
    const generation = response.generations[0][0];
    return typeof generation.text === 'string' ? generation.text : isObject(generation.message) ? contentText(generation.message.content) : null;
  }
  if (Array.isArray(response.choices) && isObject(response.choices[0]) && isObject(response.choices[0].message)) {
    return contentText(response.choices[0].message.content);
  }
  return contentText(response.content);
}

interface SpanJson {
  parent_span_id?: unknown;
  start_time_unix_nano?: unknown;
  attributes?: unknown;
}

const LLM_TYPES = new Set(['LLM', 'CHAT_MODEL']);

/**
 * The prompt facts of a trace's spans: the root span's request when it is a chat request, else
 * the first LLM or chat-model span (by start time) whose request names a system prompt, else the
 * first LLM span's; the answer is that span's response.
 */
export function spanPromptFacts(spans: readonly unknown[]): SpanPromptFacts {
  return { ...chatFacts(spans), template: traceTemplate(spans) };
}

function chatFacts(spans: readonly unknown[]): Omit<SpanPromptFacts, 'template'> {
  const candidates: { root: boolean; start: number; attributes: Json }[] = [];
  for (const s of spans) {
    if (!isObject(s)) continue;
    const span = s as SpanJson;
    const attributes = isObject(span.attributes) ? span.attributes : {};
    const root = span.parent_span_id === null || span.parent_span_id === undefined || span.parent_span_id === '';
    const type = decoded(attributes['mlflow.spanType']);
    if (!root && !(typeof type === 'string' && LLM_TYPES.has(type))) continue;
    candidates.push({ root, start: Number(span.start_time_unix_nano ?? 0) || 0, attributes });
  }
  candidates.sort((a, b) => Number(b.root) - Number(a.root) || a.start - b.start);
  let first: Omit<SpanPromptFacts, 'template'> | null = null;
  for (const c of candidates) {
    const { system, input } = requestFacts(c.attributes['mlflow.spanInputs']);
    if (system === null && input === null) continue;
    const output = responseText(c.attributes['mlflow.spanOutputs']);
    const facts = { system: system === null ? null : normaliseWhitespace(system), input: input === null ? null : cut(input), output: output === null ? null : cut(output) };
    if (facts.system !== null && facts.system !== '') return facts;
    first ??= facts;
  }
  return first ?? { system: null, input: null, output: null };
}
