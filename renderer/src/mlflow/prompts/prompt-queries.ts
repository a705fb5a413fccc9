import { queryOptions } from '@tanstack/react-query';
import { call } from '../../api/client.js';

// The Prompts view's cache entries, keyed [channel, workspaceId, …] like every MLflow query (the
// section's Refresh invalidates them).

export const promptsQuery = (workspaceId: string, experimentId: string) =>
  queryOptions({ queryKey: ['mlflow.prompts', workspaceId, experimentId], queryFn: () => call('mlflow.prompts', { workspaceId, experimentIds: [experimentId] }) });

export const PROMPT_TRACES_PAGE = 50;

export const promptTracesQuery = (workspaceId: string, experimentId: string, key: string, filter: { version?: string; inputKey?: string }, pageToken?: string) =>
  queryOptions({
    queryKey: ['mlflow.promptTraces', workspaceId, experimentId, key, filter.version ?? '', filter.inputKey ?? '', pageToken ?? ''],
    queryFn: () => call('mlflow.promptTraces', { workspaceId, experimentIds: [experimentId], key, ...filter, pageSize: PROMPT_TRACES_PAGE, pageToken }),
  });
