import type { MlflowPromptsChannel } from '../../../shared/channels/mlflow-prompts.js';
import { spy, WORKSPACE_ID, type DomainCases } from './cases.js';

export const mlflowPromptsCases: DomainCases<MlflowPromptsChannel> = {
  spies: {
    'mlflow.prompts': (args) => spy('mlflow.prompts', args, { prompts: [], omitted: 0, traces: 0, ungrouped: 0, spansPending: 0 }),
    'mlflow.promptTraces': (args) => spy('mlflow.promptTraces', args, { traces: [], nextPageToken: null, total: 0 }),
  },
  baselines: {
    'mlflow.prompts': [{ args: { workspaceId: WORKSPACE_ID, experimentIds: ['1'] } }],
    'mlflow.promptTraces': [
      { args: { workspaceId: WORKSPACE_ID, experimentIds: ['1'], key: 'p:support-answer' } },
      { args: { workspaceId: WORKSPACE_ID, experimentIds: ['1', '2'], key: 's:0123456789abcdef', version: '2', inputKey: '0123456789abcdef', pageSize: 50, pageToken: '50' }, optional: ['version', 'inputKey', 'pageSize', 'pageToken'] },
    ],
  },
  hostile(field, valid, common) {
    switch (field) {
      case 'version':
        return [...common, '../x', `${valid}/x`, 'has space', 'x'.repeat(65)];
      case 'inputKey':
        return [...common, 'ABCDEF0123456789', `${valid}0`, 'g123456789abcdef'];
      case 'pageToken':
        return [...common, '-1', '1.5', 'x', '1'.repeat(10)];
      default:
        return undefined;
    }
  },
};
