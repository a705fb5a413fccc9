import { useEffect, useState } from 'react';
import type { TransferJob, TransferTotals } from '../../../shared/schemas/transfer.js';
import { call, getApi } from '../api/client.js';

// The engine's jobs as main last reported them: the full list once, then the changed jobs, the
// removed ones and the totals from each `transfer.progress` event (at most five a second).

export interface TransfersState {
  jobs: TransferJob[];
  totals: TransferTotals | null;
  /** Why the first listing failed (the events still arrive). */
  error: unknown;
  /** The first listing answered (or failed): from then on a job that appears is new work. */
  listed: boolean;
}

/** Newest first: what was just dropped is at the top. */
function ordered(byId: Map<string, TransferJob>): TransferJob[] {
  return [...byId.values()].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? 1 : -1));
}

export function useTransfers(): TransfersState {
  const [state, setState] = useState<TransfersState>({ jobs: [], totals: null, error: null, listed: false });
  useEffect(() => {
    const byId = new Map<string, TransferJob>();
    let alive = true;
    // Events that arrive before the listing are newer than it: they win.
    const seenInEvents = new Set<string>();
    const off = getApi().on('transfer.progress', ({ jobs, removed = [], totals }) => {
      for (const job of jobs) {
        byId.set(job.id, job);
        seenInEvents.add(job.id);
      }
      // Cleared by the user or dropped by the engine (it keeps only the newest finished jobs).
      for (const id of removed) {
        byId.delete(id);
        seenInEvents.add(id);
      }
      setState((old) => ({ jobs: ordered(byId), totals, error: null, listed: old.listed }));
    });
    call('transfer.list', {}).then(
      (list) => {
        if (!alive) return;
        for (const job of list.jobs) if (!seenInEvents.has(job.id)) byId.set(job.id, job);
        setState((old) => ({ jobs: ordered(byId), totals: old.totals ?? list.totals, error: null, listed: true }));
      },
      (error: unknown) => alive && setState((old) => ({ ...old, error, listed: true })),
    );
    return () => {
      alive = false;
      off();
    };
  }, []);
  return state;
}
