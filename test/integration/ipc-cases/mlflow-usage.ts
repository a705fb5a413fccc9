import type { MlflowUsageChannel } from '../../../shared/channels/mlflow-usage.js';
import type { MlflowUsage } from '../../../shared/schemas/mlflow-usage.js';
import { spy, WORKSPACE_ID, type DomainCases } from './cases.js';

const EMPTY_USAGE: MlflowUsage = { experiments: [], runs: [], runsLeftOut: 0, listedRuns: 0, cachedRuns: 0, notes: [] };

export const mlflowUsageCases: DomainCases<MlflowUsageChannel> = {
  spies: {
    'mlflow.usage': (args) => spy('mlflow.usage', args, EMPTY_USAGE),
  },
  baselines: {
    'mlflow.usage': [{ args: { workspaceId: WORKSPACE_ID } }, { args: { workspaceId: WORKSPACE_ID, rescan: true }, optional: ['rescan'] }],
  },
};
