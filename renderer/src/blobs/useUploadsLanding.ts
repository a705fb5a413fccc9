import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { getApi } from '../api/client.js';
import { containerLevelsKey } from './queries.js';

/** Reload at most this often while uploads keep finishing. */
const RELOAD_DELAY_MS = 800;

/** Re-reads the listings of a container when uploads into it finish, so dropped files appear. */
export function useUploadsLanding(workspaceId: string, container: string): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = getApi().on('transfer.progress', ({ jobs }) => {
      const landed = jobs.some((j) => j.kind === 'upload' && j.state === 'done' && j.workspaceId === workspaceId && j.container === container);
      if (!landed || timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        void queryClient.invalidateQueries({ queryKey: containerLevelsKey(workspaceId, container) });
      }, RELOAD_DELAY_MS);
    });
    return () => {
      off();
      clearTimeout(timer);
    };
  }, [queryClient, workspaceId, container]);
}
