import { z } from 'zod';
import { BlobTier, RehydratePriority, RehydrateTier } from '../access-tier.js';
import { Json } from '../json.js';
import { Id, identifier, opaqueSegment } from './common.js';

export const FlowName = identifier('Flow name');
export const StepName = identifier('Step name');
export const RunId = opaqueSegment('Run id');
export const TaskId = opaqueSegment('Task id');

export const MetaflowPath = z
  .object({
    workspaceId: Id,
    flow: FlowName.optional(),
    run: RunId.optional(),
    step: StepName.optional(),
    task: TaskId.optional(),
  })
  .strict()
  .refine((p) => (p.run === undefined || p.flow !== undefined) && (p.step === undefined || p.run !== undefined) &&
    (p.task === undefined || p.step !== undefined), 'A run needs its flow, a step its run, and a task its step');
export type MetaflowPath = z.infer<typeof MetaflowPath>;

const Named = z.object({ name: z.string() });
export const ArtifactEntry = z.object({
  name: z.string(),
  sha: z.string(),
  /** Size of the uncompressed pickle, as Metaflow recorded it; null when not recorded. */
  size: z.number().int().nonnegative().nullable(),
  type: z.string().nullable(),
  encoding: z.string(),
});
export type ArtifactEntry = z.infer<typeof ArtifactEntry>;

export const MetaflowListing = z.discriminatedUnion('level', [
  z.object({ level: z.literal('flows'), entries: z.array(Named) }),
  z.object({ level: z.literal('runs'), entries: z.array(Named) }),
  z.object({ level: z.literal('steps'), entries: z.array(Named.extend({ pseudo: z.boolean() })) }),
  z.object({ level: z.literal('tasks'), entries: z.array(Named) }),
  z.object({ level: z.literal('artifacts'), attempt: z.number().int().nonnegative(), entries: z.array(ArtifactEntry) }),
]);
export type MetaflowListing = z.infer<typeof MetaflowListing>;

/** `stale`: not finished, and no task has written anything for longer than the workspace's stale threshold. */
export const RunStatus = z.enum(['running', 'succeeded', 'failed', 'stale']);
export type RunStatus = z.infer<typeof RunStatus>;
/** `unknown`: the attempt finished but the datastore does not say whether it succeeded. */
export const TaskStatus = z.enum(['running', 'succeeded', 'failed', 'unknown']);
export type TaskStatus = z.infer<typeof TaskStatus>;

const EpochMs = z.number().nullable();

export const RunSummary = z.object({
  flow: z.string(),
  id: z.string(),
  status: RunStatus,
  startedAt: EpochMs,
  finishedAt: EpochMs,
  durationMs: EpochMs,
  /** From Metaflow metadata; null where the workspace has none (tags are not in blob storage). */
  user: z.string().nullable(),
  tags: z.array(z.string()).nullable(),
  systemTags: z.array(z.string()).nullable(),
  /** The newest time any task recorded (attempt starts, log lines): a datastore's only sign of life. */
  lastActivityAt: EpochMs,
  /** Why the times are approximate (taken from blob Last-Modified, which copies reset); null when Metaflow recorded them. */
  approximate: z.string().nullable(),
});
export type RunSummary = z.infer<typeof RunSummary>;

export const RunList = z.object({
  runs: z.array(RunSummary),
  /** Where user and tags come from: a local `.metaflow` metadata folder, or nowhere. */
  metadata: z.enum(['local', 'none']),
  /** Painted from the local index while a background refresh runs; `metaflow.runsChanged` follows only if it changed something. */
  fromIndex: z.boolean(),
});
export type RunList = z.infer<typeof RunList>;

export const AttemptSummary = z.object({
  attempt: z.number().int().nonnegative(),
  status: TaskStatus,
  startedAt: EpochMs,
  finishedAt: EpochMs,
  /** Why the times are approximate (blob Last-Modified); null when Metaflow recorded them. */
  approximate: z.string().nullable(),
});
export type AttemptSummary = z.infer<typeof AttemptSummary>;

export const TaskSummary = z.object({
  step: z.string(),
  id: z.string(),
  status: TaskStatus,
  attempts: z.array(AttemptSummary),
  /** Cloned by `resume` from an earlier run (it has no logs of its own). */
  cloned: z.boolean(),
  /** What could not be read of this task (a damaged file); the rest of the run is unaffected. */
  problems: z.array(z.string()),
});
export type TaskSummary = z.infer<typeof TaskSummary>;

export const StepSummary = z.object({
  name: z.string(),
  /** From `_graph_info`: start, linear, split-static, split-foreach, join, end; null without a graph. */
  type: z.string().nullable(),
  next: z.array(z.string()),
  taskCount: z.number().int().nonnegative(),
  status: TaskStatus,
});
export type StepSummary = z.infer<typeof StepSummary>;

export const RunDetail = z.object({
  summary: RunSummary,
  steps: z.array(StepSummary),
  tasks: z.array(TaskSummary),
  /** Parameter name → preview of its value (PreviewValue). */
  parameters: z.array(z.object({ name: z.string(), value: Json })),
  /** Present for a run made by `resume`; the origin run comes from metadata when the workspace has it. */
  resumed: z.object({ originRunId: z.string().nullable() }).nullable(),
  /** Why the DAG or parameters could not be read, if they could not. */
  problems: z.array(z.string()),
});
export type RunDetail = z.infer<typeof RunDetail>;

export const TaskPath = z
  .object({
    workspaceId: Id,
    flow: FlowName,
    run: RunId,
    step: StepName,
    task: TaskId,
    /** Defaults to the current (latest) attempt. */
    attempt: z.number().int().min(0).max(99).optional(),
  })
  .strict();
export type TaskPath = z.infer<typeof TaskPath>;

export const CardRef = z.object({
  /** The card file's name, e.g. `default-654039f12611499ab439dd0b41fe8565.html`. */
  file: z.string(),
  type: z.string(),
  id: z.string().nullable(),
});
export type CardRef = z.infer<typeof CardRef>;

export const TaskDetail = z.object({
  task: TaskSummary,
  attempt: z.number().int().nonnegative(),
  artifacts: z.array(ArtifactEntry),
  /** Why the artifact index could not be read, if it could not. */
  artifactProblem: z.string().nullable(),
  cards: z.array(CardRef),
});
export type TaskDetail = z.infer<typeof TaskDetail>;

/** Artifact names are Python attribute names. */
export const ArtifactName = identifier('Artifact name');

export const ArtifactRequest = TaskPath.extend({
  name: ArtifactName,
  /** Decode the whole value rather than a preview capped by bytes. */
  full: z.boolean().optional(),
}).strict();

export const ArtifactPreviewResult = z.object({
  /** PreviewValue (electron/metaflow/pickle/preview-types.ts). */
  value: Json,
  complete: z.boolean(),
  bytesRead: z.number(),
  totalBytes: z.number(),
  /** The whole value can be loaded; false past the size Stratus decodes in memory, where the blob is offered instead. */
  loadable: z.boolean(),
  /** The artifact's blob (gzip of the pickle), named for downloading it as it is. */
  blob: z.string(),
  /** Present when the blob is in Archive (or being rehydrated): no value was read, this is why. */
  archived: BlobTier.optional(),
});

export const ArtifactTierRequest = TaskPath.extend({ name: ArtifactName }).strict();

/** Set Blob Tier on an artifact's blob: Hot or Cool out of Archive (a rehydration), at a priority. */
export const RehydrateRequest = TaskPath.extend({ name: ArtifactName, tier: RehydrateTier, priority: RehydratePriority }).strict();

/** An artifact blob's tier; null where the datastore has no tiers (a local folder). */
export const ArtifactTier = BlobTier.nullable();

export const ArtifactFileRequest = TaskPath.extend({
  name: ArtifactName,
  /** `pickle`: the artifact's pickle bytes as Metaflow stored them (ungzipped); `json`: the decoded value. */
  format: z.enum(['pickle', 'json']),
}).strict();

export const ArtifactFile = z.object({ fileName: z.string(), mimeType: z.string(), base64: z.string() });
export type ArtifactFile = z.infer<typeof ArtifactFile>;

export const LogRequest = TaskPath.extend({ stream: z.enum(['stdout', 'stderr']) }).strict();
export const LogResult = z.object({
  lines: z.array(z.object({ n: z.number().int(), time: z.string().nullable(), source: z.string(), text: z.string() })),
  /** Bytes of log read; 0 when the attempt wrote none. */
  bytes: z.number().int().nonnegative(),
  /** The attempt is still running: more lines may come (follow). */
  live: z.boolean(),
});
export type LogResult = z.infer<typeof LogResult>;

export const CardRequest = TaskPath.extend({ file: z.string().max(205).regex(/^[A-Za-z0-9_.-]{1,200}\.html$/, 'A card file name') }).strict();
