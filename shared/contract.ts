import { z } from 'zod';
import { StratusErrorShape } from './errors.js';
import { Id } from './schemas/common.js';
import {
  ArtifactFile,
  ArtifactFileRequest,
  ArtifactPreviewResult,
  ArtifactRequest,
  CardRequest,
  FlowName,
  LogRequest,
  LogResult,
  MetaflowListing,
  MetaflowPath,
  RunDetail,
  RunId,
  RunList,
  TaskDetail,
  TaskPath,
} from './schemas/metaflow.js';
import {
  ImportedWorkspace,
  SaveWorkspaceArgs,
  SavedWorkspace,
  Settings,
  WorkspaceDefaults,
  WorkspaceInfo,
  WorkspaceInput,
  WorkspaceList,
} from './schemas/workspace.js';

// The one declaration of every IPC channel and event. Main validates each call's
// arguments and result against these schemas; preload and the browser-mode client
// derive their types from them, so the two ends cannot drift apart.

export * from './schemas/metaflow.js';
export * from './schemas/workspace.js';

const NoArgs = z.object({}).strict();
const ById = z.object({ id: Id }).strict();

export const contract = {
  'workspace.defaults': { args: NoArgs, result: WorkspaceDefaults },
  'workspace.open': { args: WorkspaceInput, result: WorkspaceInfo },
  'workspace.list': { args: NoArgs, result: WorkspaceList },
  'workspace.save': { args: SaveWorkspaceArgs, result: SavedWorkspace },
  'workspace.remove': { args: ById, result: z.object({ removed: z.boolean() }) },
  'workspace.connect': { args: ById, result: WorkspaceInfo },
  'workspace.import': { args: NoArgs, result: z.object({ candidates: z.array(ImportedWorkspace) }) },
  'settings.get': { args: NoArgs, result: Settings },
  'settings.set': { args: Settings, result: Settings },
  'metaflow.list': { args: MetaflowPath, result: MetaflowListing },
  'metaflow.runs': { args: z.object({ workspaceId: Id, flow: FlowName }).strict(), result: RunList },
  'metaflow.run': { args: z.object({ workspaceId: Id, flow: FlowName, run: RunId }).strict(), result: RunDetail },
  'metaflow.task': { args: TaskPath, result: TaskDetail },
  'metaflow.artifact': { args: ArtifactRequest, result: ArtifactPreviewResult },
  'metaflow.artifactFile': { args: ArtifactFileRequest, result: ArtifactFile },
  'metaflow.logs': { args: LogRequest, result: LogResult },
  /** A card is served from its own sandboxed origin: this returns the id its URL is made from. */
  'metaflow.card': { args: CardRequest, result: z.object({ cardId: z.string() }) },
} as const;

export const events = {
  'workspace.opened': WorkspaceInfo,
  /** The background refresh of a flow's runs (after painting from the index) finished. */
  'metaflow.runsChanged': z.object({ workspaceId: Id, flow: z.string() }),
} as const;

export type Contract = typeof contract;
export type Channel = keyof Contract;
export type ArgsOf<C extends Channel> = z.input<Contract[C]['args']>;
export type ResultOf<C extends Channel> = z.infer<Contract[C]['result']>;
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;

export const CHANNELS = Object.keys(contract) as Channel[];

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(contract, value);
}

export type Reply<C extends Channel> = { ok: true; value: ResultOf<C> } | { ok: false; error: StratusErrorShape };

/** What preload exposes as `window.stratus`, and what browser mode implements over a WebSocket. */
export interface StratusApi {
  invoke<C extends Channel>(channel: C, args: ArgsOf<C>): Promise<Reply<C>>;
  /** Returns a function that removes the listener. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** Names the IPC transport uses; shared so preload and main agree. */
export const IPC_INVOKE = 'stratus:invoke';
export const IPC_EVENT = 'stratus:event';
