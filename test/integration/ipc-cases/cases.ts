import type { HandlersFor } from '../../../electron/ipc/router.js';
import type { ArgsOf, Channel } from '../../../shared/contract.js';

// Each domain's channels bring, in a file of their own here: valid arguments (baselines) that
// the hostile cases are made from, spy handlers that answer with a valid result, and hostile
// strings for the argument fields that are theirs.

/** Valid arguments for one channel; every key is required unless its dotted path is listed in `optional`. */
export interface Baseline<C extends Channel> {
  args: ArgsOf<C>;
  optional?: string[];
}

export interface DomainCases<K extends Channel> {
  baselines: { [C in K]: Baseline<C>[] };
  spies: HandlersFor<K>;
  /** Strings invalid for a field of this domain, or undefined when the field is not its own. */
  hostile?: (field: string, valid: string, common: string[]) => string[] | undefined;
}

export interface Call {
  channel: Channel;
  args: unknown;
}

export const calls: Call[] = [];

/** Records the call and answers with a result that passes the channel's result schema. */
export function spy<T>(channel: Channel, args: unknown, result: T): Promise<T> {
  calls.push({ channel, args });
  return Promise.resolve(result);
}

export const WORKSPACE_ID = '6f1c2a8e-8a51-4c1e-9b7a-3c1d2e4f5a6b';
