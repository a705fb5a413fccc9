import { useEffect, useState } from 'react';
import type { UsageProgress } from '../../../shared/schemas/usage.js';
import { getApi } from '../api/client.js';

/** The latest usage.progress event of the workspace's build while `active`. */
export function useUsageProgress(workspaceId: string, active: boolean): UsageProgress | undefined {
  const [progress, setProgress] = useState<UsageProgress>();
  useEffect(() => {
    if (!active) return undefined;
    return getApi().on('usage.progress', (payload) => {
      if (payload.workspaceId === workspaceId) setProgress(payload);
    });
  }, [workspaceId, active]);
  return active ? progress : undefined;
}
