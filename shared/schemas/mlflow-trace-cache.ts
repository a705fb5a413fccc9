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

/** A workspace's trace cache as it stands: null for a store that has none (sqlite, file store). */
export const TraceCacheStatus = z
  .object({
    syncing: z.boolean(),
    /** Traces the running sync listed so far. */
    listed: z.number().int().nonnegative(),
    /** Traces in the cache. */
    traces: z.number().int().nonnegative(),
    /** Cached traces whose spans are still to be read (per-model split, span latency). */
    spansPending: z.number().int().nonnegative(),
    readingSpans: z.boolean(),
  })
  .nullable();
export type TraceCacheStatus = z.infer<typeof TraceCacheStatus>;

export const CancelTraceSyncResult = z.object({
  /** False when no sync or span read was running. */
  cancelled: z.boolean(),
});
export type CancelTraceSyncResult = z.infer<typeof CancelTraceSyncResult>;
