import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorPanel } from '../ui/ErrorPanel.js';
import { Loading } from '../ui/Loading.js';
import type { SectionProps } from '../workspaces/section.js';
import { ContainerBrowser } from './ContainerBrowser.js';
import { containersQuery } from './queries.js';
import './blobs.css';

/** The workspace's storage account as folders: pick or type a place, look into blobs, upload, search, download and delete. */
export function BlobsView({ workspace, onEditWorkspace }: SectionProps) {
  if (workspace.kind !== 'azure') {
    return (
      <main className="listing" data-testid="listing">
        <p className="empty">Blobs can only be browsed in an Azure workspace; this one is the local folder {workspace.sysroot}.</p>
      </main>
    );
  }
  return <AzureBlobs workspaceId={workspace.id} onEditWorkspace={onEditWorkspace} />;
}

function AzureBlobs({ workspaceId, onEditWorkspace }: { workspaceId: string; onEditWorkspace?: () => void }) {
  const containers = useQuery(containersQuery(workspaceId));
  // Kept here, as props below, so the place can be lifted into the address.
  const [place, setPlace] = useState<{ container: string; prefix: string } | undefined>(undefined);
  const container = place?.container ?? containers.data?.current;

  if (containers.isPending) return <Loading label="Listing containers…" />;
  if (containers.isError) return <ErrorPanel error={containers.error} onRetry={() => void containers.refetch()} onEditWorkspace={onEditWorkspace} />;
  if (container === undefined) return null;
  return (
    <ContainerBrowser
      key={container}
      workspaceId={workspaceId}
      container={container}
      prefix={place?.prefix ?? ''}
      containers={containers.data.containers.includes(container) ? containers.data.containers : [...containers.data.containers, container].sort()}
      listProblem={containers.data.listProblem}
      onNavigate={(c, prefix) => setPlace({ container: c, prefix })}
      onEditWorkspace={onEditWorkspace}
    />
  );
}

