import { z } from 'zod';
import { StratusErrorShape } from './errors.js';
import { metaflowChannels, metaflowEvents } from './channels/metaflow.js';
import { workspaceChannels, workspaceEvents } from './channels/workspace.js';

// The one declaration of every IPC channel and event, gathered from one file per domain in
// channels/. Main validates each call's arguments and result against these schemas; preload and
// the browser-mode client derive their types from them, so the two ends cannot drift apart.

export * from './schemas/metaflow.js';
export * from './schemas/workspace.js';

export const contract = {
  ...workspaceChannels,
  ...metaflowChannels,
} as const;

export const events = {
  ...workspaceEvents,
  ...metaflowEvents,
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
