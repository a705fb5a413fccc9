import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { WorkspaceInfo } from '../../../shared/contract.js';
import { StratusError } from '../../../shared/errors.js';
import { call } from '../api/client.js';
import { AppHeader } from '../ui/AppHeader.js';
import { ErrorPanel } from '../ui/ErrorPanel.js';
import { Loading } from '../ui/Loading.js';

/**
 * The workspace a link names: a saved one is connected (as on the Workspaces page), one opened without
 * saving is found if this host still has it open; null when neither exists any more.
 */
async function findWorkspace(id: string): Promise<WorkspaceInfo | null> {
  const { workspaces } = await call('workspace.list', {});
  if (workspaces.some((w) => w.id === id)) return call('workspace.connect', { id });
  try {
    return await call('workspace.get', { id });
  } catch (error) {
    if (error instanceof StratusError && error.code === 'NO_WORKSPACE') return null;
    throw error;
  }
}

interface Props {
  id: string;
  onOpened: (workspace: WorkspaceInfo) => void;
  onWorkspaces: () => void;
  onEdit: (savedId: string) => void;
}

/** A link or a reload into a workspace not open in this window: connect it, then show the view it names. */
export function OpenWorkspace({ id, onOpened, onWorkspaces, onEdit }: Props) {
  // Never cached: each visit connects afresh, as the Workspaces page does.
  const found = useQuery({ queryKey: ['workspace.find', id], queryFn: () => findWorkspace(id), gcTime: 0, staleTime: Infinity });
  const workspace = found.data;
  useEffect(() => {
    if (workspace) onOpened(workspace);
  }, [workspace, onOpened]);

  let body;
  if (found.isPending || workspace) body = <Loading label="Connecting to the workspace…" />;
  else if (found.isError) body = <ErrorPanel error={found.error} onRetry={() => void found.refetch()} retrying={found.isFetching} onEditWorkspace={() => onEdit(id)} />;
  else
    body = (
      <div className="note note--info" data-testid="workspace-gone">
        This link names a workspace that no longer exists here: it was removed, or opened without saving in an earlier session.
      </div>
    );
  return (
    <div className="browser">
      <AppHeader />
      <main className="listing" data-testid="open-workspace">
        {body}
        {!found.isPending && !workspace && (
          <p>
            <button type="button" className="button" onClick={onWorkspaces}>
              Go to the workspaces
            </button>
          </p>
        )}
      </main>
    </div>
  );
}
