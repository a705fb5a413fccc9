import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import type { BlobsPlace } from '../../../shared/routing/route.js';
import { call } from '../api/client.js';
import { plural } from '../format.js';
import { ErrorPanel } from '../ui/ErrorPanel.js';
import { Loading } from '../ui/Loading.js';
import type { SectionProps } from '../workspaces/section.js';
import { BlobList } from './BlobList.js';
import { DownloadForm } from '../transfers/DownloadForm.js';
import { DropStatus } from '../transfers/DropStatus.js';
import { DropZone } from '../transfers/DropZone.js';
import { PrefixBreadcrumb } from './PrefixBreadcrumb.js';
import { containerLevelsKey, containersQuery, levelQuery, rowsOf } from './queries.js';
import { useDropUpload } from '../transfers/useDropUpload.js';
import { useUploadsLanding } from '../transfers/useUploadsLanding.js';
import './blobs.css';

/** Blobs, and prefixes (ending in '/') with everything under them. */
async function downloadSelection(workspaceId: string, container: string, names: string[], targetFolder: string): Promise<void> {
  const blobs = names.filter((n) => !n.endsWith('/'));
  if (blobs.length > 0) await call('transfer.download', { workspaceId, container, blobs, targetFolder });
  for (const prefix of names.filter((n) => n.endsWith('/'))) await call('transfer.download', { workspaceId, container, prefix, targetFolder });
}

function describeSelection(selected: ReadonlySet<string>): string {
  const names = [...selected];
  const blobs = names.filter((n) => !n.endsWith('/')).length;
  const prefixes = names.length - blobs;
  return [blobs > 0 ? plural(blobs, 'blob') : '', prefixes > 0 ? plural(prefixes, 'folder') : ''].filter(Boolean).join(' and ');
}

interface Props extends SectionProps {
  /** Where the section is (from the route). */
  place: BlobsPlace;
  onNavigate: (to: BlobsPlace) => void;
}

/** The workspace's storage account as folders: pick a container, walk its prefixes, drop files in, download a selection. */
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
      containers={containers.data.containers}
      listProblem={containers.data.listProblem}
      onNavigate={(prefix, to = container) => onNavigate({ container: to, prefix })}
      onEditWorkspace={onEditWorkspace}
    />
  );
}

interface BrowserProps {
  workspaceId: string;
  container: string;
  prefix: string;
  containers: string[];
  listProblem: string | null;
  /** Opens a prefix of this container, or of another one. */
  onNavigate: (prefix: string, container?: string) => void;
  onEditWorkspace?: () => void;
}

function ContainerBrowser({ workspaceId, container, prefix, containers, listProblem, onNavigate, onEditWorkspace }: BrowserProps) {
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [downloading, setDownloading] = useState(false);
  // A selection belongs to the prefix it was made in: a new prefix (opened here, or by Back) starts without one.
  const [shownPrefix, setShownPrefix] = useState(prefix);
  if (shownPrefix !== prefix) {
    setShownPrefix(prefix);
    setSelected(new Set());
    setDownloading(false);
  }
  const queryClient = useQueryClient();
  const level = useInfiniteQuery(levelQuery(workspaceId, container, prefix));
  const rows = useMemo(() => rowsOf(level.data?.pages ?? []), [level.data]);
  const drop = useDropUpload();
  const { fetchNextPage } = level;
  // Without cancelRefetch: false a second call while a page loads would start that page again.
  const loadMore = useCallback(() => void fetchNextPage({ cancelRefetch: false }), [fetchNextPage]);
  useUploadsLanding(workspaceId, (job) => job.container === container, containerLevelsKey(workspaceId, container));

  const open = (next: string) => onNavigate(next);
  const toggle = (name: string) =>
    setSelected((old) => {
      const next = new Set(old);
      if (next.has(name)) next.delete(name);
      else next.add(name);
      return next;
    });
  const allLoaded = rows.length > 0 && rows.every((r) => selected.has(r.name));
  const destination = `${container}/${prefix}`;

  return (
    <>
      <div className="browser__toolbar blobs-toolbar">
        <label className="blobs-container">
          <span className="blobs-container__label">Container</span>
          <select className="input blobs-container__select" value={container} onChange={(e) => onNavigate('', e.target.value)} data-testid="container-picker">
            {containers.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <PrefixBreadcrumb container={container} prefix={prefix} onNavigate={open} />
        <span className="app-header__spacer" />
        <button type="button" className="button" disabled={selected.size === 0} onClick={() => setDownloading(true)} data-testid="download-selected">
          Download…
        </button>
        <button
          type="button"
          className="button button--quiet"
          onClick={() => void queryClient.invalidateQueries({ queryKey: containerLevelsKey(workspaceId, container) })}
          disabled={level.isFetching}
        >
          Refresh
        </button>
      </div>
      {listProblem && <p className="blobs-note">{listProblem}</p>}
      {downloading && (
        <DownloadForm
          description={
            <>
              Download {describeSelection(selected)} from <span className="mono">{container}</span>
            </>
          }
          download={(targetFolder) => downloadSelection(workspaceId, container, [...selected], targetFolder)}
          onQueued={() => {
            setDownloading(false);
            setSelected(new Set());
          }}
          onCancel={() => setDownloading(false)}
        />
      )}
      <DropStatus drop={drop} />
      <main className="listing blobs-listing" data-testid="listing">
        <DropZone destination={destination} onDrop={(tops) => void drop.upload(tops, { workspaceId, container, prefix })}>
          {level.isPending ? (
            <Loading label={`Listing ${destination}…`} />
          ) : level.isError ? (
            <ErrorPanel error={level.error} onRetry={() => void level.refetch()} retrying={level.isFetching} onEditWorkspace={onEditWorkspace} />
          ) : (
            <BlobList
              prefix={prefix}
              rows={rows}
              selected={selected}
              onToggle={toggle}
              onToggleAll={() => setSelected(allLoaded ? new Set() : new Set(rows.map((r) => r.name)))}
              onOpen={open}
              hasMore={level.hasNextPage}
              loadingMore={level.isFetchingNextPage}
              onLoadMore={loadMore}
            />
          )}
        </DropZone>
      </main>
    </>
  );
}
