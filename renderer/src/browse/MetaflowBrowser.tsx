import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { WorkspaceInfo } from '../../../shared/contract.js';
import { call } from '../api/client.js';
import { ErrorPanel } from '../ui/ErrorPanel.js';
import { Loading } from '../ui/Loading.js';
import { WorkspaceSwitcher } from '../workspaces/WorkspaceSwitcher.js';
import { Breadcrumb } from './Breadcrumb.js';
import { ListingView } from './ListingView.js';
import { descend, locationKey, ROOT, type MetaflowLocation } from './location.js';
import { WorkspaceHeader } from './WorkspaceHeader.js';

interface Props {
  workspace: WorkspaceInfo;
  onWorkspaces: () => void;
  onConnected: (workspace: WorkspaceInfo) => void;
  onEdit: (savedId: string) => void;
}

/** The open workspace: flows → runs → steps → tasks → artifacts, one level at a time. */
export function MetaflowBrowser({ workspace, onWorkspaces, onConnected, onEdit }: Props) {
  const [location, setLocation] = useState<MetaflowLocation>(ROOT);
  const listing = useQuery({
    queryKey: ['metaflow.list', workspace.id, ...locationKey(location)],
    queryFn: () => call('metaflow.list', { workspaceId: workspace.id, ...location }),
  });
  const switchTo = useMutation({
    mutationFn: (savedId: string) => call('workspace.connect', { id: savedId }),
    onSuccess: onConnected,
  });
  const { savedId } = workspace;

  return (
    <div className="browser">
      <WorkspaceHeader
        workspace={workspace}
        switcher={<WorkspaceSwitcher current={workspace} switching={switchTo.isPending} onSwitch={(id) => switchTo.mutate(id)} />}
        onWorkspaces={onWorkspaces}
      />
      {switchTo.isError && (
        <ErrorPanel
          error={switchTo.error}
          onRetry={() => switchTo.variables && switchTo.mutate(switchTo.variables)}
          onEditWorkspace={() => switchTo.variables && onEdit(switchTo.variables)}
          onDismiss={() => switchTo.reset()}
        />
      )}
      <div className="browser__toolbar">
        <Breadcrumb location={location} onNavigate={setLocation} />
        <button
          type="button"
          className="button button--quiet"
          onClick={() => void listing.refetch()}
          disabled={listing.isFetching}
          title="Reload this level from storage"
        >
          Refresh
        </button>
      </div>
      <main className="listing" data-testid="listing">
        {listing.isPending && <Loading label="Listing…" />}
        {listing.isError && (
          <ErrorPanel
            error={listing.error}
            onRetry={() => void listing.refetch()}
            retrying={listing.isFetching}
            onEditWorkspace={savedId === undefined ? undefined : () => onEdit(savedId)}
          />
        )}
        {listing.isSuccess && (
          <ListingView listing={listing.data} onOpen={(name) => setLocation(descend(location, name))} />
        )}
      </main>
    </div>
  );
}
