import { useQuery } from '@tanstack/react-query';
import type { BlobsPlace } from '../../../shared/routing/route.js';
import { ErrorPanel } from '../ui/ErrorPanel.js';
import { Loading } from '../ui/Loading.js';
import type { SectionProps } from '../workspaces/section.js';
import { ContainerBrowser } from './ContainerBrowser.js';
import { containersQuery } from './queries.js';
import './blobs.css';

interface Props extends SectionProps {
  /** Where the section is (from the route). */
  place: BlobsPlace;
  onNavigate: (to: BlobsPlace) => void;
}

/** The workspace's storage account as folders: pick or type a place, look into blobs, upload, search, download and delete. */
export function BlobsView({ workspace, onEditWorkspace, place, onNavigate }: Props) {
  if (workspace.kind !== 'azure') {
    return (
      <main className="listing" data-testid="listing">
        <p className="empty">Blobs can only be browsed in an Azure workspace; this one is the local folder {workspace.sysroot}.</p>
      </main>
    );
  }
  return <AzureBlobs workspaceId={workspace.id} place={place} onNavigate={onNavigate} onEditWorkspace={onEditWorkspace} />;
}

function AzureBlobs({ workspaceId, place, onNavigate, onEditWorkspace }: { workspaceId: string; place: BlobsPlace; onNavigate: (to: BlobsPlace) => void; onEditWorkspace?: () => void }) {
  const containers = useQuery(containersQuery(workspaceId));
  // No container in the route: the workspace's own, at its top.
  const container = place.container ?? containers.data?.current;

  if (containers.isPending) return <Loading label="Listing containers…" />;
  if (containers.isError) return <ErrorPanel error={containers.error} onRetry={() => void containers.refetch()} onEditWorkspace={onEditWorkspace} />;
  if (container === undefined) return null;
  return (
    <ContainerBrowser
      key={container}
      workspaceId={workspaceId}
      container={container}
      prefix={place.container === undefined ? '' : place.prefix}
      containers={containers.data.containers.includes(container) ? containers.data.containers : [...containers.data.containers, container].sort()}
      listProblem={containers.data.listProblem}
      onNavigate={(c, prefix) => onNavigate({ container: c, prefix })}
      onEditWorkspace={onEditWorkspace}
    />
  );
}
