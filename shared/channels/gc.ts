import { NoArgs } from '../schemas/common.js';
import { GcExecuteArgs, GcHistory, GcPlan, GcPlanArgs, GcProgress, GcReport } from '../schemas/gc.js';

/** Garbage collection: plan (a dry run), execute a plan after confirmation, past runs. */
export const gcChannels = {
  'gc.plan': { args: GcPlanArgs, result: GcPlan },
  'gc.execute': { args: GcExecuteArgs, result: GcReport },
  'gc.history': { args: NoArgs, result: GcHistory },
} as const;

export const gcEvents = {
  'gc.progress': GcProgress,
} as const;

export type GcChannel = keyof typeof gcChannels;
