import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { WorkspaceInfo } from '../../../shared/contract.js';
import { call } from '../api/client.js';
import { ErrorPanel } from '../ui/ErrorPanel.js';
import { Loading } from '../ui/Loading.js';
import { savedWorkspacesQuery } from './queries.js';

interface Props {
  onConnected: (workspace: WorkspaceInfo) => void;
}

/** First launch: no workspace yet, so offer one that needs no Azure, written by main into the user-data folder. */
export function SampleOffer({ onConnected }: Props) {
  const queryClient = useQueryClient();
  const open = useMutation({
    mutationFn: async () => {
      const saved = await call('workspace.openSample', {});
      await queryClient.invalidateQueries({ queryKey: savedWorkspacesQuery.queryKey });
      return call('workspace.connect', { id: saved.id });
    },
    onSuccess: onConnected,
  });
  return (
    <div className="sample-offer" data-testid="sample-offer">
      <p className="empty">
        No saved workspaces yet: create one, start from one of your Metaflow settings below, or look around first in a
        sample workspace on this computer (Metaflow flows with runs, artifacts, logs and cards; MLflow experiments, runs
        and LLM traces with token usage).
      </p>
      <button type="button" className="button button--primary" onClick={() => open.mutate()} disabled={open.isPending}>
        Open the sample workspace
      </button>
      {open.isPending && <Loading label="Writing the sample workspace…" />}
      {open.isError && <ErrorPanel error={open.error} onRetry={() => open.mutate()} retrying={open.isPending} />}
    </div>
  );
}
