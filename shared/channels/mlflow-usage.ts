import { MlflowUsage, MlflowUsageProgress, MlflowUsageRequest } from '../schemas/mlflow-usage.js';

/** Storage used by an MLflow workspace's experiments and runs, by tier, and what gc would free. */
export const mlflowUsageChannels = {
  /** Lists the artifacts of runs not yet cached (ended runs are cached: their artifacts do not change) and each experiment's traces. */
  'mlflow.usage': { args: MlflowUsageRequest, result: MlflowUsage },
} as const;

export const mlflowUsageEvents = {
  /** How far an `mlflow.usage` call is. */
  'mlflow.usage.progress': MlflowUsageProgress,
} as const;

export type MlflowUsageChannel = keyof typeof mlflowUsageChannels;
