import { z } from 'zod';
import { Id } from './common.js';

/** Forget a workspace's local trace cache (a tracking server's or a file store's traces, read again on the next summary). */
export const ClearTraceCacheRequest = z.object({ workspaceId: Id }).strict();
export type ClearTraceCacheRequest = z.infer<typeof ClearTraceCacheRequest>;

export const ClearTraceCacheResult = z.object({
  /** False when the workspace's MLflow store is an sqlite store (it has no trace cache). */
  applicable: z.boolean(),
  /** How many traces the cache held. */
  traces: z.number().int().nonnegative(),
});
export type ClearTraceCacheResult = z.infer<typeof ClearTraceCacheResult>;

/** Longest reason kept per trace whose spans could not be read, and how many such traces the status lists. */
export const MAX_SPAN_PROBLEM = 500;
export const MAX_SPAN_PROBLEMS = 20;

/** A workspace's trace cache as it stands: null for a store that has none (sqlite). */
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
    /** Cached traces whose spans could not be read (a file store's missing or corrupt traces.json): MLflow's stored total stands in. */
    unreadable: z.number().int().nonnegative().optional(),
    /** The newest of those with why, for the note beside the sync progress. */
    problems: z
      .array(z.object({ traceId: z.string().max(256), problem: z.string().max(MAX_SPAN_PROBLEM) }))
      .max(MAX_SPAN_PROBLEMS)
      .optional(),
  })
  .nullable();
export type TraceCacheStatus = z.infer<typeof TraceCacheStatus>;

export const CancelTraceSyncResult = z.object({
  /** False when no sync or span read was running. */
  cancelled: z.boolean(),
});
export type CancelTraceSyncResult = z.infer<typeof CancelTraceSyncResult>;
