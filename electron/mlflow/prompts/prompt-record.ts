import type { ModelUsage } from '../tokens/trace-usage.js';
import type { PromptRef } from './prompt-facts.js';

// One trace as the Prompts view groups it, whichever source it came from (the trace cache of a
// tracking server, or an MLflow sqlite store read directly): both build these records in the
// trace cache worker, and one grouping (group-prompts.ts) runs over them.

export interface PromptRecord {
  traceId: string;
  experimentId: string;
  timestampMs: number;
  durationMs: number | null;
  state: string;
  /** Registered prompt versions MLflow linked to the trace. */
  linked: PromptRef[];
  /** Fingerprint of the template a span carries (template-facts.ts); null when none does or spans are not read yet. */
  templateHash: string | null;
  /** Fingerprint of the normalised system prompt; null when unknown (no LLM span, or spans not read yet). */
  systemHash: string | null;
  input: string | null;
  output: string | null;
  /** Usage split by model (trace-usage.ts); empty when none is known. */
  byModel: ModelUsage[];
  /** False while a tracking server's spans for this trace are not read yet. */
  spansRead: boolean;
}

/** A registered prompt version as the registry holds it. */
export interface RegistryVersion extends PromptRef {
  /** The template (`mlflow.prompt.text`; a chat template as its JSON). */
  template: string | null;
  createdMs: number | null;
}

/** A template as the trace cache keeps it: its (cut) text and its variables. */
export interface TemplateText {
  text: string;
  variables: string[];
}

/** What the grouping needs besides the records: the registry, the system prompts and templates by fingerprint. */
export interface PromptContext {
  registry: RegistryVersion[];
  systems: Map<string, string>;
  templates: Map<string, TemplateText>;
}

/** Records with the texts they name by fingerprint, as each source reads them. */
export interface PromptRecords {
  records: PromptRecord[];
  systems: Map<string, string>;
  templates: Map<string, TemplateText>;
}
