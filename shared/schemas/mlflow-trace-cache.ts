import { z } from 'zod';
import { Id } from './common.js';

/** Forget a workspace's local trace cache (a tracking server's traces, read again on the next summary). */
export const ClearTraceCacheRequest = z.object({ workspaceId: Id }).strict();
export type ClearTraceCacheRequest = z.infer<typeof ClearTraceCacheRequest>;

export const ClearTraceCacheResult = z.object({
  /** False when the workspace's MLflow store is not a tracking server (sqlite and file stores have no trace cache). */
  applicable: z.boolean(),
  /** How many traces the cache held. */
  traces: z.number().int().nonnegative(),
});
export type ClearTraceCacheResult = z.infer<typeof ClearTraceCacheResult>;
