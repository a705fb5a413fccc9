import { createHash } from 'node:crypto';
import { decoded } from '../tokens/trace-usage.js';

// The prompt template a trace's spans carry, as MLflow's autologging writes it:
// - LangChain (mlflow/langchain/langchain_tracer.py, on_chain_start / on_chain_end): a prompt
//   template's run is a CHAIN span (named ChatPromptTemplate, PromptTemplate or its run_name) whose
//   inputs are the variables and whose outputs are the formatted PromptValue as pydantic dumps it
//   (mlflow/tracing/utils TraceJSONEncoder): {"messages": [{"content", "type": "system"|"human"|…}],
//   "type": "ChatPromptValue"} or {"text", "type": "StringPromptValue"}. The template text itself is
//   not recorded, so it is rebuilt: each variable's value in the formatted text becomes {name}.
// - LlamaIndex (mlflow/llama_index/tracer.py, LLMPredictStartEvent): the LLM span's attributes
//   `prmopt_template` (MLflow's spelling) with the template text and `template_arguments`.
// Span content is hostile: non-strings are skipped, work is bounded, the text kept is cut.

/** Template text kept per fingerprint (the fingerprint is of the whole text). */
export const MAX_TEMPLATE_CHARS = 8192;
/** Formatted prompts longer than this are not rebuilt into a template (the trace groups by system prompt). */
const MAX_FORMATTED_CHARS = 1 << 20;
const MAX_VARIABLES = 100;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,99}$/;
const LLAMA_TEMPLATE = 'prmopt_template';
const LLAMA_ARGUMENTS = 'template_arguments';

export interface SpanTemplate {
  /** sha256 of the whole template text, 16 hex digits. */
  hash: string;
  /** The template text, cut at MAX_TEMPLATE_CHARS. */
  text: string;
  /** Variable names in order of first appearance. */
  variables: string[];
}

export type Json = Record<string, unknown>;
export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The fingerprint prompts are grouped by (a template's whole text, a system prompt's normalised text). */
export const templateFingerprint = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16);

/** Text of a message content: a string, or OpenAI parts / Anthropic blocks with `text`. */
export function contentText(content: unknown): string | null {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return null;
  const parts = content.flatMap((p) => (typeof p === 'string' ? [p] : isObject(p) && typeof p.text === 'string' ? [p.text] : []));
  return parts.length === 0 ? null : parts.join('\n');
}

/** The formatted prompt of a LangChain PromptValue dump: one `role: text` paragraph per message, or the string prompt. */
function formattedPrompt(outputs: unknown): string | null {
  const value = decoded(outputs);
  if (!isObject(value)) return null;
  if (value.type === 'StringPromptValue') return typeof value.text === 'string' ? value.text : null;
  if (typeof value.type !== 'string' || !value.type.startsWith('ChatPromptValue') || !Array.isArray(value.messages)) return null;
  const lines: string[] = [];
  for (const m of value.messages) {
    if (!isObject(m)) return null;
    const text = contentText(m.content);
    if (text === null) return null;
    lines.push(`${typeof m.type === 'string' ? m.type.slice(0, 32) : 'message'}: ${text}`);
  }
  return lines.length === 0 ? null : lines.join('\n\n');
}

/** The variables whose formatted text is known: strings, and integers (Python's str() of an int equals JS's). */
function variableValues(inputs: unknown): [name: string, value: string][] {
  const vars = decoded(inputs);
  if (!isObject(vars)) return [];
  const out: [string, string][] = [];
  for (const [name, value] of Object.entries(vars).slice(0, MAX_VARIABLES)) {
    if (!VARIABLE_NAME.test(name)) continue;
    if (typeof value === 'string' && value !== '') out.push([name, value]);
    else if (typeof value === 'number' && Number.isSafeInteger(value)) out.push([name, String(value)]);
  }
  return out;
}

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The formatted text with each variable's value turned back into {name}, longest values first, in one pass. */
function rebuild(formatted: string, values: [string, string][]): { text: string; variables: string[] } {
  const present = values.filter(([, v]) => v.length <= formatted.length && formatted.includes(v)).sort((a, b) => b[1].length - a[1].length);
  if (present.length === 0) return { text: formatted, variables: [] };
  const byValue = new Map<string, string>();
  for (const [name, value] of present) if (!byValue.has(value)) byValue.set(value, name);
  const pattern = new RegExp([...byValue.keys()].map(escapeRegex).join('|'), 'g');
  const variables: string[] = [];
  const text = formatted.replace(pattern, (value) => {
    const name = byValue.get(value) as string;
    if (!variables.includes(name)) variables.push(name);
    return `{${name}}`;
  });
  return { text, variables };
}

function kept(text: string, variables: string[]): SpanTemplate {
  return { hash: templateFingerprint(text), text: text.length > MAX_TEMPLATE_CHARS ? `${text.slice(0, MAX_TEMPLATE_CHARS)}…` : text, variables };
}

/** The template of one span, or null when it carries none. */
export function spanTemplate(attributes: Json): SpanTemplate | null {
  const llama = decoded(attributes[LLAMA_TEMPLATE]);
  if (typeof llama === 'string' && llama.trim() !== '' && llama.length <= MAX_FORMATTED_CHARS) {
    const args = decoded(attributes[LLAMA_ARGUMENTS]);
    const names = isObject(args) ? Object.keys(args).filter((n) => VARIABLE_NAME.test(n)).slice(0, MAX_VARIABLES) : [];
    return kept(llama, names);
  }
  if (decoded(attributes['mlflow.spanType']) !== 'CHAIN') return null;
  const formatted = formattedPrompt(attributes['mlflow.spanOutputs']);
  if (formatted === null || formatted.length > MAX_FORMATTED_CHARS) return null;
  const { text, variables } = rebuild(formatted, variableValues(attributes['mlflow.spanInputs']));
  return kept(text, variables);
}

/** The first template (by span start) among a trace's spans; null when none carries one. */
export function traceTemplate(spans: readonly unknown[]): SpanTemplate | null {
  let best: { start: number; template: SpanTemplate } | null = null;
  for (const s of spans) {
    if (!isObject(s) || !isObject(s.attributes)) continue;
    const template = spanTemplate(s.attributes);
    if (template === null) continue;
    const start = Number(s.start_time_unix_nano ?? s.start_time ?? 0) || 0;
    if (best === null || start < best.start) best = { start, template };
  }
  return best?.template ?? null;
}

/** A cached template row back as text and variables; variables that are not a list of names are dropped. */
export function templateOfRow(text: string, variables: string): { text: string; variables: string[] } {
  const names = decoded(variables);
  return { text, variables: Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string' && VARIABLE_NAME.test(n)).slice(0, MAX_VARIABLES) : [] };
}
