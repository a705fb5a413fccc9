import { UsageSetRunTierArgs, UsageSetRunTierResult } from '../schemas/usage-tier.js';
import { UsageArgs, UsageBuildArgs, UsageBuildResult, UsageGcFree, UsageProgress, UsageTable } from '../schemas/usage.js';

/** Storage usage of a Metaflow workspace: build (incremental, with progress), read a level, what gc would free. */
export const usageChannels = {
  'usage.metaflowBuild': { args: UsageBuildArgs, result: UsageBuildResult },
  'usage.metaflow': { args: UsageArgs, result: UsageTable },
  'usage.metaflowGcFree': { args: UsageBuildArgs, result: UsageGcFree },
  /** Moves a finished run's unique CAS blobs (from the built usage) to Cool, Cold or Archive, once the container's name is typed. */
  'usage.setRunTier': { args: UsageSetRunTierArgs, result: UsageSetRunTierResult },
} as const;

export const usageEvents = {
  'usage.progress': UsageProgress,
} as const;

export type UsageChannel = keyof typeof usageChannels;
