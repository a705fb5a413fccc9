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

/**
 * `stale`: not finished, and no task has written anything for longer than the workspace's stale threshold.
 * `unknown`: the datastore holds no task record of the run (e.g. only Metaflow's local metadata): nothing says it started.
 */
export const RunStatus = z.enum(['running', 'succeeded', 'failed', 'stale', 'unknown']);
export type RunStatus = z.infer<typeof RunStatus>;
/** `unknown`: the attempt finished but the datastore does not say whether it succeeded. */
export const TaskStatus = z.enum(['running', 'succeeded', 'failed', 'unknown']);
export type TaskStatus = z.infer<typeof TaskStatus>;

const EpochMs = z.number().nullable();

/** Longest exception message and traceback carried: enough to read, bounded for one message. */
export const EXCEPTION_MESSAGE_MAX = 2000;
export const EXCEPTION_TRACEBACK_MAX = 20_000;

/** An exception Metaflow pickled (`MetaflowExceptionWrapper`): type such as `builtins.ValueError`, message, traceback. */
export const TaskException = z.object({
  type: z.string().max(512),
  message: z.string().max(EXCEPTION_MESSAGE_MAX),
  traceback: z.string().max(EXCEPTION_TRACEBACK_MAX),
});
export type TaskException = z.infer<typeof TaskException>;

/** The task a failed run stopped at, and its exception where the datastore holds it. */
export const RunFailure = z.object({ step: z.string(), task: z.string(), exception: TaskException.nullable() });
export type RunFailure = z.infer<typeof RunFailure>;

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
  /** For a failed run: where it failed and why. */
  failure: RunFailure.nullable(),
  /** The run's last heartbeat, from a metadata service (absent for a datastore alone). */
  lastHeartbeatAt: EpochMs.optional(),
  /** Listed but not read yet (a progressive list): its status is not known and its start may come from its id. */
  listedOnly: z.literal(true).optional(),
});
export type RunSummary = z.infer<typeof RunSummary>;

/** How far a progressive answer's statuses are read (a runs list's runs, a run view's tasks). */
const FillProgress = z.object({
  known: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  /** Why reading stopped before every status was known (offline, say). */
  stalled: z.string().max(2000).optional(),
});

export const RunList = z.object({
  runs: z.array(RunSummary),
  /** Where user and tags come from: a local `.metaflow` metadata folder, or nowhere. */
  metadata: z.enum(['local', 'none', 'service']),
  /** Painted from the local index while a background refresh runs; `metaflow.runsChanged` follows only if it changed something. */
  fromIndex: z.boolean(),
  /** From a metadata service: the next page's cursor, if there are more runs. */
  next: z.string().max(4096).optional(),
  /** From a metadata service: the namespace listed (`user:<name>`), null for all; absent for a datastore alone. */
  namespace: z.string().max(512).nullable().optional(),
  /** From a metadata service, served from the local index: when the service last answered this flow's list. */
  cachedAt: EpochMs.optional(),
  /** A progressive list whose statuses are still being read: how many of the listed runs have theirs. */
  statuses: FillProgress.optional(),
  /** From a metadata service, served from the local index because the service did not answer: why. */
  unreachable: z.string().max(1000).optional(),
});
export type RunList = z.infer<typeof RunList>;

/** A flow's line in the flows list: filled per flow after the list shows, so the list itself stays one listing. */
export const FlowSummary = z.object({
  flow: z.string(),
  runCount: z.number().int().nonnegative(),
  /** The newest run (by id: the local runtime's ids are start times); null for a flow without runs. */
  latest: RunSummary.nullable(),
});
export type FlowSummary = z.infer<typeof FlowSummary>;

export const AttemptSummary = z.object({
  attempt: z.number().int().nonnegative(),
  status: TaskStatus,
  startedAt: EpochMs,
  finishedAt: EpochMs,
  /** Why the times are approximate (blob Last-Modified); null when Metaflow recorded them. */
  approximate: z.string().nullable(),
  /** A failed attempt's `_exception`, where it could be read. */
  exception: TaskException.nullable(),
});
export type AttemptSummary = z.infer<typeof AttemptSummary>;

export const TaskSummary = z.object({
  step: z.string(),
  id: z.string(),
  status: TaskStatus,
  attempts: z.array(AttemptSummary),
  /** Cloned by `resume` from an earlier run (it has no logs of its own). */
  cloned: z.boolean(),
  /** The exception `@catch` caught (`_catch_exception`): the task succeeded, but its code raised. */
  caught: TaskException.nullable(),
  /** What could not be read of this task (a damaged file); the rest of the run is unaffected. */
  problems: z.array(z.string()),
  /** The task's last heartbeat, from a metadata service (absent for a datastore alone). */
  lastHeartbeatAt: EpochMs.optional(),
  /** From a metadata service: unfinished, and its heartbeat stopped longer ago than the service's threshold (its worker is gone). */
  stale: z.boolean().optional(),
  /** Listed but not read yet (a progressive run view): its status and attempts are not known. */
  listedOnly: z.literal(true).optional(),
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
  /**
   * A progressive run view whose tasks are still being read: how many have their status. Until they all do, the
   * summary, DAG and parameters are not read either (the run's row is `listedOnly`).
   */
  taskStatuses: FillProgress.optional(),
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

/** Artifacts whose tiers one call reads: the rows a table shows at once. */
export const MAX_TIER_NAMES = 100;

/** Tiers of several artifacts of one task attempt (the rows of the artifact table in view). */
export const ArtifactTiersRequest = TaskPath.extend({ names: z.array(ArtifactName).min(1).max(MAX_TIER_NAMES) }).strict();

/** Per name: the blob's tier (null where the datastore has none), or why it could not be read. */
export const ArtifactTiers = z.object({
  tiers: z.array(z.object({ name: z.string().max(256), tier: BlobTier.nullable(), problem: z.string().max(2000).nullable() })).max(MAX_TIER_NAMES),
});
export type ArtifactTiers = z.infer<typeof ArtifactTiers>;

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

/** A Metaflow tag: what the service and Metaflow's client accept (no control characters, at most 500 characters). */
export const MetaflowTag = z
  .string()
  .min(1)
  .max(500)
  .refine((t) => [...t].every((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f), 'A tag is one line of printable text');

/** The run list's query when the workspace has a metadata service; without one only the flow counts. */
const RunListQueryFields = z
  .object({
    /** A tag (`user:alice`) every run must carry, as Metaflow's namespace; absent for the user's own. */
    namespace: MetaflowTag.optional(),
    /** Every namespace, as Metaflow's `namespace(None)`; wins over `namespace`. */
    allNamespaces: z.boolean().optional(),
    user: MetaflowTag.refine((u) => u.length <= 200, 'A user name is at most 200 characters').optional(),
    /** Runs carrying any of these tags, user or system. */
    tags: z.array(MetaflowTag).max(20).optional(),
    status: RunStatus.optional(),
    /** Runs started at or after this time (epoch ms). */
    since: z.number().int().nonnegative().max(8.64e15).optional(),
    /** Runs started before this time (epoch ms). */
    until: z.number().int().nonnegative().max(8.64e15).optional(),
    /** The service's opaque X-Next-Cursor (base64 of JSON). */
    cursor: z.string().min(1).max(4096).regex(/^[A-Za-z0-9+/=_-]+$/, 'A cursor from the service').optional(),
    limit: z.number().int().min(1).max(500).optional(),
  })
  .strict();
/** Only a plain object: every field is optional, so a Date or a class instance would otherwise pass as `{}`. */
export const RunListQuery = z
  .custom<unknown>((v) => typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype, 'The run query is a plain object')
  .pipe(RunListQueryFields);
export type RunListQuery = z.infer<typeof RunListQueryFields>;

/** Adding and removing user tags of a run, as Run.add_tag / remove_tag / replace_tag do. */
export const TagEdit = z
  .object({
    workspaceId: Id,
    flow: FlowName,
    run: RunId,
    add: z.array(MetaflowTag).max(50),
    remove: z.array(MetaflowTag).max(50),
  })
  .strict();
