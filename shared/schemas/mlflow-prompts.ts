import { z } from 'zod';
import { PROMPT_KEY, PROMPT_VERSION } from '../prompt-key.js';
import { Id } from './common.js';
import { TokensExperimentId } from './mlflow-tokens.js';

// The Prompts view: an experiment's traces grouped by the registered prompt version MLflow linked
// to them, else by a fingerprint of the template their spans carry, else of their system prompt, with tokens, cost, latency and errors per
// version, and a prompt's traces (optionally those of one input, to compare versions' outputs).

/** `p:<registered name>`, `t:<template fingerprint>` or `s:<system prompt fingerprint>`. */
export const PromptKey = z.string().max(258, 'A prompt key is too long').regex(PROMPT_KEY, 'A prompt key is p:<name>, t:<fingerprint> or s:<fingerprint>');
const Version = z.string().max(64).regex(PROMPT_VERSION, 'A prompt version is a number or a short name');
/** A fingerprint of an input text, as SharedInput names it. */
const InputKey = z.string().max(16).regex(/^[0-9a-f]{16}$/, 'An input key is 16 hex digits');
export type PromptKey = z.infer<typeof PromptKey>;

const Experiments = z.array(TokensExperimentId).min(1, 'Choose at least one experiment').max(200, 'Too many experiments');

export const PromptsRequest = z.object({ workspaceId: Id, experimentIds: Experiments }).strict();
export type PromptsRequest = z.infer<typeof PromptsRequest>;

const Count = z.number().int().nonnegative();
const Text = (max: number) => z.string().max(max);

export const PromptVersionStats = z.object({
  /** The registry's version; null for a system prompt (one group per fingerprint). */
  version: Version.nullable(),
  /** The registered template, the spans' template (cut at 8 KiB), or the system prompt itself; null when the registry no longer has it. */
  template: Text(20_000).nullable(),
  traces: Count,
  input: z.number(),
  output: z.number(),
  /** Prompt tokens served from (read) or written to the provider's cache, as the responses reported them. */
  cachedInput: z.number(),
  /** USD over the models with a price; null when no model of these traces has one. */
  cost: z.number().nullable(),
  /** Models these traces called that have no price: their tokens are not in `cost`. */
  unpricedModels: z.array(z.string().max(256).nullable()).max(50),
  /** Nearest-rank, ms, over traces with a known duration. */
  latencyP50: z.number().nullable(),
  latencyP90: z.number().nullable(),
  errors: Count,
  errorRate: z.number().nullable(),
  firstMs: z.number().nullable(),
  lastMs: z.number().nullable(),
});
export type PromptVersionStats = z.infer<typeof PromptVersionStats>;

/** An input sent through two versions or more: the outputs can be compared side by side. */
export const SharedInput = z.object({ inputKey: InputKey, input: Text(4_100), versions: z.array(Version).max(100) });
export type SharedInput = z.infer<typeof SharedInput>;

export const PromptGroup = z.object({
  key: PromptKey,
  kind: z.enum(['registered', 'template', 'system']),
  /** The registered name, or the start of the template or system prompt. */
  name: Text(256),
  /** A spans' template's variables, in order of appearance; empty for other kinds. */
  variables: z.array(Text(100)).max(100),
  traces: Count,
  /** Newest version first. */
  versions: z.array(PromptVersionStats).max(500),
  sharedInputs: z.array(SharedInput).max(50),
});
export type PromptGroup = z.infer<typeof PromptGroup>;

export const PromptsResult = z.object({
  /** Most traces first. */
  prompts: z.array(PromptGroup).max(500),
  /** Groups beyond the list's bound, left out. */
  omitted: Count,
  /** Traces of the selection. */
  traces: Count,
  /** Traces with no linked prompt, and no template or system prompt in their spans. */
  ungrouped: Count,
  /** Tracking servers: traces whose spans are not read yet (their system prompt is not known yet). */
  spansPending: Count,
});
export type PromptsResult = z.infer<typeof PromptsResult>;

export const PromptTracesRequest = z
  .object({
    workspaceId: Id,
    experimentIds: Experiments,
    key: PromptKey,
    /** One version's traces; all versions when absent. */
    version: Version.optional(),
    /** Only the traces of this input (a SharedInput's key), to compare versions' outputs. */
    inputKey: InputKey.optional(),
    pageSize: z.number().int().min(1).max(200).optional(),
    pageToken: z.string().max(9).regex(/^\d{1,9}$/, 'Not a page token of this list').optional(),
  })
  .strict();
export type PromptTracesRequest = z.infer<typeof PromptTracesRequest>;

export const PromptTraceRow = z.object({
  traceId: z.string().max(256),
  experimentId: z.string().max(64),
  version: Version.nullable(),
  timestampMs: z.number(),
  durationMs: z.number().nullable(),
  state: z.string().max(64),
  model: z.string().max(256).nullable(),
  totalTokens: z.number().nullable(),
  input: Text(4_100).nullable(),
  output: Text(4_100).nullable(),
});
export type PromptTraceRow = z.infer<typeof PromptTraceRow>;

export const PromptTracesResult = z.object({
  /** Newest first. */
  traces: z.array(PromptTraceRow).max(200),
  nextPageToken: z.string().nullable(),
  total: Count,
});
export type PromptTracesResult = z.infer<typeof PromptTracesResult>;
