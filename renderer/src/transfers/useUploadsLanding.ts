import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { TransferJob } from '../../../shared/schemas/transfer.js';
import { getApi } from '../api/client.js';

/** Reload at most this often while uploads keep finishing. */
const RELOAD_DELAY_MS = 800;

/** Re-reads what a drop lands in (`queryKey`) when uploads of this workspace matching `lands` finish, so dropped files appear. */
export function useUploadsLanding(workspaceId: string, lands: (job: TransferJob) => boolean, queryKey: QueryKey): void {
  const queryClient = useQueryClient();
  // The latest predicate and key, without re-subscribing on every render.
  const latest = useRef({ lands, queryKey });
  useEffect(() => {
    latest.current = { lands, queryKey };
  });
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = getApi().on('transfer.progress', ({ jobs }) => {
      const landed = jobs.some((j) => j.kind === 'upload' && j.state === 'done' && j.workspaceId === workspaceId && latest.current.lands(j));
      if (!landed || timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        void queryClient.invalidateQueries({ queryKey: latest.current.queryKey });
      }, RELOAD_DELAY_MS);
    });
    return () => {
      off();
      clearTimeout(timer);
    };
  }, [queryClient, workspaceId]);
}
