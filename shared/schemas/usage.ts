import { z } from 'zod';
import { Id, identifier, opaqueSegment } from './common.js';

// Storage usage of a Metaflow workspace (issue 18): per flow, run and step, the CAS bytes split into
// unique (named by this run or step alone) and shared (named by others too), logs and cards, and the
// CAS bytes per access tier. Rows are bounded: a flow of 100,000 runs sends its largest runs only.

/** Runs one call returns at most; `total` says how many there are. */
export const MAX_USAGE_ROWS = 5000;

const count = z.number().int().nonnegative();
const bytes = z.number().nonnegative();

export const UsageRow = z.object({
  /** The flow, run or step. */
  name: z.string().max(256),
  /** Runs under a flow (1 for a run, 0 for a step). */
  runs: count,
  tasks: count,
  uniqueBytes: bytes,
  uniqueCount: count,
  sharedBytes: bytes,
  sharedCount: count,
  /** Flows only: CAS blobs no scanned run names (gc's candidates once past the grace period). */
  unreferencedBytes: bytes,
  unreferencedCount: count,
  logBytes: bytes,
  logCount: count,
  cardBytes: bytes,
  cardCount: count,
  /** CAS bytes the row names (a flow: all of its CAS) per access tier; "unknown" where the store reports none. */
  tiers: z.record(z.string().max(32), bytes).refine((t) => Object.keys(t).length <= 8, 'at most 8 tiers'),
  /** Runs whose artifact index could not be read: their names are missing from the split. */
  problems: count,
  /** A run still running: read again on the next build. */
  running: z.boolean(),
});
export type UsageRow = z.infer<typeof UsageRow>;

export const UsageSort = z.enum(['uniqueBytes', 'sharedBytes', 'logBytes', 'name']);
export type UsageSort = z.infer<typeof UsageSort>;

export const UsageArgs = z
  .object({
    workspaceId: Id,
    /** Without a flow, the flows; with one, its runs; with a run too, its steps. */
    flow: identifier('Flow').optional(),
    run: opaqueSegment('Run id').optional(),
    sort: UsageSort.optional(),
  })
  .strict()
  .refine((a) => a.run === undefined || a.flow !== undefined, 'A run needs its flow');
export type UsageArgs = z.infer<typeof UsageArgs>;

export const UsageLevel = z.enum(['flows', 'runs', 'steps']);

export const UsageTable = z.object({
  level: UsageLevel,
  rows: z.array(UsageRow).max(MAX_USAGE_ROWS),
  /** Rows there are; more than `rows.length` when only the largest are sent. */
  total: count,
  /** When the workspace was last built (epoch ms), null if never. */
  builtAt: z.number().nullable(),
});
export type UsageTable = z.infer<typeof UsageTable>;

export const UsageBuildArgs = z.object({ workspaceId: Id }).strict();

export const UsageBuildResult = z.object({
  flows: count,
  runs: count,
  /** Runs read this time: new, still running, or unreadable before. */
  scanned: count,
  requests: count,
  builtAt: z.number(),
});
export type UsageBuildResult = z.infer<typeof UsageBuildResult>;

export const UsageProgress = z.object({
  workspaceId: Id,
  phase: z.enum(['listing', 'scanning', 'summing', 'done']),
  flows: count,
  runsScanned: count,
  runsToScan: count,
});
export type UsageProgress = z.infer<typeof UsageProgress>;

/** What the gc planner (not executed) would delete now, per flow. */
export const UsageGcFree = z.object({
  graceHours: z.number().nonnegative(),
  flows: z
    .array(
      z.object({
        flow: z.string().max(256),
        candidates: count,
        candidateBytes: bytes,
        /** Unreferenced but within the grace period. */
        recentBytes: bytes,
        blocked: z.string().max(2000).optional(),
      }),
    )
    .max(10_000),
});
export type UsageGcFree = z.infer<typeof UsageGcFree>;
