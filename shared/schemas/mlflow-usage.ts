import { z } from 'zod';
import { Id } from './common.js';

// Where an MLflow workspace's bytes are: per experiment and per run (artifacts), trace artifacts per
// experiment, deleted runs' bytes apart, bytes per access tier, and what gc would free. Every list
// is bounded so one answer fits one message (shared/message-size.ts).

export const MAX_USAGE_EXPERIMENTS = 5000;
export const MAX_USAGE_RUNS = 20_000;
const MAX_NOTES = 50;

const Count = z.number().int().nonnegative();
const Text = z.string().max(2000);

export const MlflowUsageRequest = z
  .object({
    workspaceId: Id,
    /** Forget the per-run cache and list every run's artifacts again. */
    rescan: z.boolean().optional(),
  })
  .strict();

/** Files and bytes in one access tier ('Hot', 'Cool', 'Cold', 'Archive', or 'unknown' where none is reported). */
export const TierUsage = z.object({ tier: z.string().max(32), files: Count, bytes: Count });
export type TierUsage = z.infer<typeof TierUsage>;
const Tiers = z.array(TierUsage).max(8);

export const RunUsage = z.object({
  runId: z.string().max(64),
  name: z.string().max(500),
  experimentId: z.string().max(64),
  status: z.string().max(16),
  deleted: z.boolean(),
  files: Count,
  bytes: Count,
  tiers: Tiers,
  /** Why the run's artifacts could not be listed (not in Azure, unreachable); its figures are 0. */
  problem: Text.nullable(),
});
export type RunUsage = z.infer<typeof RunUsage>;

export const ExperimentUsage = z.object({
  experimentId: z.string().max(64),
  name: z.string().max(500),
  deleted: z.boolean(),
  runs: Count,
  deletedRuns: Count,
  /** Artifacts of runs in the active stage. */
  artifactFiles: Count,
  artifactBytes: Count,
  /** Artifacts of deleted runs (and of every run of a deleted experiment). */
  deletedFiles: Count,
  deletedBytes: Count,
  /** traces/<trace id>/artifacts/traces.json under the experiment's artifact location. */
  traceFiles: Count,
  traceBytes: Count,
  /** Everything above by access tier. */
  tiers: Tiers,
  /** What gc (every deleted run, traces left behind) would free here; null when the plan could not be made. */
  gcFiles: Count.nullable(),
  gcBytes: Count.nullable(),
});
export type ExperimentUsage = z.infer<typeof ExperimentUsage>;

export const MlflowUsage = z.object({
  experiments: z.array(ExperimentUsage).max(MAX_USAGE_EXPERIMENTS),
  /** Every run, largest first, up to MAX_USAGE_RUNS; the experiments' figures count them all. */
  runs: z.array(RunUsage).max(MAX_USAGE_RUNS),
  runsLeftOut: Count,
  /** Runs whose artifacts were listed by this call; the others came from the cache. */
  listedRuns: Count,
  cachedRuns: Count,
  /** Why a figure is missing or partial (gc plan, a trace folder), for a person. */
  notes: z.array(Text).max(MAX_NOTES),
});
export type MlflowUsage = z.infer<typeof MlflowUsage>;

export const MlflowUsageProgress = z.object({
  workspaceId: Id,
  phase: z.enum(['runs', 'traces', 'gc', 'done']),
  done: Count,
  total: Count,
});
export type MlflowUsageProgress = z.infer<typeof MlflowUsageProgress>;
