import { z } from 'zod';
import { StratusErrorShape } from './errors.js';
import { metaflowChannels, metaflowEvents } from './channels/metaflow.js';
import { gcChannels, gcEvents } from './channels/gc.js';
import { workspaceChannels, workspaceEvents } from './channels/workspace.js';
import { blobsChannels, blobsEvents } from './channels/blobs.js';
import { mlflowChannels, mlflowEvents } from './channels/mlflow.js';
import { mlflowTokensChannels, mlflowTokensEvents } from './channels/mlflow-tokens.js';
import { mlflowPromptsChannels, mlflowPromptsEvents } from './channels/mlflow-prompts.js';
import { mlflowUsageChannels, mlflowUsageEvents } from './channels/mlflow-usage.js';
import { transferChannels, transferEvents } from './channels/transfer.js';
import { localChannels, localEvents } from './channels/local.js';
import { linkEvents } from './channels/links.js';
import { usageChannels, usageEvents } from './channels/usage.js';

// The one declaration of every IPC channel and event, gathered from one file per domain in
// channels/. Main validates each call's arguments and result against these schemas; preload and
// the browser-mode client derive their types from them, so the two ends cannot drift apart.

export * from './json.js';
export * from './schemas/metaflow.js';
export * from './schemas/workspace.js';

export const contract = {
  ...gcChannels,
  ...workspaceChannels,
  ...metaflowChannels,
  ...blobsChannels,
  ...mlflowChannels,
  ...mlflowTokensChannels,
  ...mlflowPromptsChannels,
  ...mlflowUsageChannels,
  ...transferChannels,
  ...localChannels,
  ...usageChannels,
} as const;

export const events = {
  ...gcEvents,
  ...workspaceEvents,
  ...metaflowEvents,
  ...blobsEvents,
  ...mlflowEvents,
  ...mlflowTokensEvents,
  ...mlflowPromptsEvents,
  ...mlflowUsageEvents,
  ...transferEvents,
  ...localEvents,
  ...linkEvents,
  ...usageEvents,
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
  /** The desktop window or a browser tab: decides how dropped files reach main. */
  readonly host: HostCapabilities;
}

/** A file dropped onto the page (a DOM File); declared by shape because shared/ has no DOM types. */
export interface DroppedFile {
  readonly name: string;
  readonly size: number;
}

/**
 * Electron hands main the local paths of dropped files (webUtils.getPathForFile in preload, which
 * also grants them to main: the page cannot name a path it was not given), so the renderer never
 * reads them; a browser tab has no paths and streams the bytes to its host over HTTP.
 */
export type HostCapabilities =
  | {
      kind: 'electron';
      /** Each file's path, granted in main; '' for a file with no path on disk (e.g. dragged out of another app). */
      grantDropped(files: readonly DroppedFile[]): Promise<string[]>;
    }
  | { kind: 'browser' };

/** Names the IPC transport uses; shared so preload and main agree. */
export const IPC_INVOKE = 'stratus:invoke';
export const IPC_EVENT = 'stratus:event';
/** Preload only: the paths of files dropped onto the window, granted to main. */
export const IPC_GRANT_DROPPED = 'stratus:grant-dropped';
