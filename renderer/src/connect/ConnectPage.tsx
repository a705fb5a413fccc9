import { useQuery } from '@tanstack/react-query';
import type { WorkspaceDefaults, WorkspaceInfo, WorkspaceInput } from '../../../shared/contract.js';
import { call } from '../api/client.js';
import { ErrorPanel } from '../ui/ErrorPanel.js';
import { Loading } from '../ui/Loading.js';
import { ConnectForm } from './ConnectForm.js';

interface Props {
  /** Values of the workspace the user just left; they win over main's defaults. */
  previous?: Pick<WorkspaceInput, 'sysroot' | 'endpoint'>;
  onConnected: (workspace: WorkspaceInfo, input: WorkspaceInput) => void;
}

/** Loads main's defaults once, then shows the form prefilled with them. */
export function ConnectPage({ previous, onConnected }: Props) {
  const defaults = useQuery({
    queryKey: ['workspace.defaults'],
    queryFn: () => call('workspace.defaults', {}),
    staleTime: Infinity,
  });
  if (defaults.isPending) return <Loading label="Reading defaults…" />;
  const values: WorkspaceDefaults = { ...defaults.data, ...previous };
  return (
    <>
      {defaults.isError && <ErrorPanel error={defaults.error} onRetry={() => void defaults.refetch()} />}
      {/* Remount when defaults arrive late (after a retry) so the prefill applies. */}
      <ConnectForm key={defaults.dataUpdatedAt} defaults={values} onConnected={onConnected} />
    </>
  );
}
