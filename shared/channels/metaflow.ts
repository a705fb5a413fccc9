import { z } from 'zod';
import { BlobTier } from '../access-tier.js';
import { Id } from '../schemas/common.js';
import {
  ArtifactFile,
  ArtifactFileRequest,
  ArtifactPreviewResult,
  ArtifactRequest,
  ArtifactTier,
  ArtifactTierRequest,
  ArtifactTiers,
  ArtifactTiersRequest,
  RehydrateRequest,
  CardRequest,
  FlowName,
  FlowSummary,
  LogRequest,
  LogResult,
  MetaflowListing,
  MetaflowPath,
  RunDetail,
  RunId,
  RunList,
  RunListQuery,
  RunSummary,
  StepName,
  TagEdit,
  TaskDetail,
  TaskId,
  TaskPath,
} from '../schemas/metaflow.js';

/** The most run ids one `metaflow.runsVisible` names: a screen of rows with room to spare. */
export const MAX_VISIBLE_RUNS = 200;
/** The most tasks one `metaflow.tasksVisible` names. */
export const MAX_VISIBLE_TASKS = 200;

/** Browsing a Metaflow datastore: flows, runs, tasks, artifacts, logs, cards. */
export const metaflowChannels = {
  'metaflow.list': { args: MetaflowPath, result: MetaflowListing },
  'metaflow.flowSummary': { args: z.object({ workspaceId: Id, flow: FlowName }).strict(), result: FlowSummary },
  /**
   * `progressive`: answer once one listing names the runs (rows `listedOnly`), and read their statuses behind it,
   * into the index; without it the answer waits for every status (the CLI).
   */
  'metaflow.runs': { args: z.object({ workspaceId: Id, flow: FlowName, query: RunListQuery.optional(), progressive: z.boolean().optional() }).strict(), result: RunList },
  /** The runs the list shows now: their statuses are read first. */
  'metaflow.runsVisible': { args: z.object({ workspaceId: Id, flow: FlowName, ids: z.array(RunId).max(MAX_VISIBLE_RUNS) }).strict(), result: z.null() },
  /**
   * `progressive`: answer once the run's listing names its steps and tasks (tasks `listedOnly`, `taskStatuses` set),
   * and read them behind it; without it the answer waits for every task (the CLI).
   */
  'metaflow.run': { args: z.object({ workspaceId: Id, flow: FlowName, run: RunId, progressive: z.boolean().optional() }).strict(), result: RunDetail },
  /** The tasks a progressive run view shows now: they are read first. */
  'metaflow.tasksVisible': {
    args: z
      .object({ workspaceId: Id, flow: FlowName, run: RunId, tasks: z.array(z.object({ step: StepName, task: TaskId }).strict()).max(MAX_VISIBLE_TASKS) })
      .strict(),
    result: z.null(),
  },
  'metaflow.task': { args: TaskPath, result: TaskDetail },
  'metaflow.artifact': { args: ArtifactRequest, result: ArtifactPreviewResult },
  /** The tier of an artifact's blob (Hot, Cool, Cold, Archive) and any rehydration running. */
  'metaflow.artifactTier': { args: ArtifactTierRequest, result: ArtifactTier },
  /** The tiers of several artifacts of one attempt at once (the artifact table's rows in view). */
  'metaflow.artifactTiers': { args: ArtifactTiersRequest, result: ArtifactTiers },
  /** Set Blob Tier to Hot or Cool on an archived artifact's blob; answers its tier right after. */
  'metaflow.rehydrate': { args: RehydrateRequest, result: BlobTier },
  'metaflow.artifactFile': { args: ArtifactFileRequest, result: ArtifactFile },
  'metaflow.logs': { args: LogRequest, result: LogResult },
  /** Edits a run's user tags through the workspace's metadata service; the run as the service has it after. */
  'metaflow.tags': { args: TagEdit, result: RunSummary },
  /** A card is served from its own sandboxed origin: this returns the id its URL is made from. */
  'metaflow.card': { args: CardRequest, result: z.object({ cardId: z.string() }) },
} as const;

export const metaflowEvents = {
  /** The background refresh of a flow's runs (after painting from the index) finished. */
  'metaflow.runsChanged': z.object({ workspaceId: Id, flow: z.string() }),
} as const;

export type MetaflowChannel = keyof typeof metaflowChannels;
