import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { getApi } from '../api/client.js';
import { onRunsChanged } from './queries.js';

/**
 * Follows main's `metaflow.runsChanged` for the open workspace, for every flow: a runs list painted
 * from the local index is re-read when its refresh is done, even if the list was not on screen then.
 */
export function useRunsChanged(workspaceId: string): void {
  const queryClient = useQueryClient();
  useEffect(
    () =>
      getApi().on('metaflow.runsChanged', (payload) => {
        if (payload.workspaceId === workspaceId) onRunsChanged(queryClient, workspaceId, payload.flow);
      }),
    [queryClient, workspaceId],
  );
}
