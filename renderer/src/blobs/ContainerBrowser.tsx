import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import type { DeleteBlobsResult } from '../../../shared/schemas/blob-details.js';
import type { SetBlobTierResult } from '../../../shared/schemas/blob-tier.js';
import type { BlobEntry } from '../../../shared/schemas/blobs.js';
import { getApi } from '../api/client.js';
import { formatCount, plural } from '../format.js';
import { DownloadForm } from '../transfers/DownloadForm.js';
import { DropStatus } from '../transfers/DropStatus.js';
import { DropZone } from '../transfers/DropZone.js';
import { useDropUpload } from '../transfers/useDropUpload.js';
import { useUploadsLanding } from '../transfers/useUploadsLanding.js';
import { ErrorPanel } from '../ui/ErrorPanel.js';
import { Loading } from '../ui/Loading.js';
import { BlobDetails } from './BlobDetails.js';
import { BlobList } from './BlobList.js';
import { BlobToolbar, type Panel } from './BlobToolbar.js';
import { ChangeTier, TierNotice } from './ChangeTier.js';
import { DeleteBlobs } from './DeleteBlobs.js';
import { NewFolder } from './NewFolder.js';
import { containerLevelsKey, levelQuery, rowsOf, searchQuery, searchRows } from './queries.js';
import { describeSelection, downloadSelection, type Notice } from './selection.js';
import { useBrowserDownload } from './useBrowserDownload.js';

export interface BrowserProps {
  workspaceId: string;
  container: string;
  prefix: string;
  containers: string[];
  listProblem: string | null;
  /** Opens another level (of this or another container). */
  onNavigate: (container: string, prefix: string) => void;
  onEditWorkspace?: () => void;
}

/** One container: its levels as a list, the selected blob's details beside it, and the toolbar's actions on the selection. */
export function ContainerBrowser({ workspaceId, container, prefix, containers, listProblem, onNavigate, onEditWorkspace }: BrowserProps) {
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [shown, setShown] = useState<string | undefined>(undefined);
  const [panel, setPanel] = useState<Panel>(null);
  const [search, setSearch] = useState('');
  const [notice, setNotice] = useState<Notice | null>(null);
  const [tierNotice, setTierNotice] = useState<SetBlobTierResult | null>(null);
  const queryClient = useQueryClient();
  const searching = search !== '';
  const level = useInfiniteQuery({ ...levelQuery(workspaceId, container, prefix), enabled: !searching });
  const found = useInfiniteQuery({ ...searchQuery(workspaceId, container, prefix, search), enabled: searching });
  const listing = searching ? found : level;
  const rows = useMemo(() => (searching ? searchRows(found.data?.pages ?? []) : rowsOf(level.data?.pages ?? [])), [searching, found.data, level.data]);
  const blobsByName = useMemo(() => new Map(rows.flatMap((r) => (r.kind === 'blob' ? [[r.name, r.blob] as const] : []))), [rows]);
  const drop = useDropUpload();
  const browser = useBrowserDownload();
  const inBrowser = getApi().host.kind !== 'electron';
  const { fetchNextPage } = listing;
  // Without cancelRefetch: false a second call while a page loads would start that page again.
  const loadMore = useCallback(() => void fetchNextPage({ cancelRefetch: false }), [fetchNextPage]);
  useUploadsLanding(workspaceId, (job) => job.container === container, containerLevelsKey(workspaceId, container));

  // What belongs to one prefix (selection, open panel, search) goes when the prefix changes: opened here, or by Back.
  const [listed, setListed] = useState(prefix);
  if (listed !== prefix) {
    setListed(prefix);
    setSelected(new Set());
    setPanel(null);
    setSearch('');
  }
  const open = (next: string) => onNavigate(container, next);
  const toggle = (name: string) =>
    setSelected((old) => {
      const next = new Set(old);
      if (next.has(name)) next.delete(name);
      else next.add(name);
      return next;
    });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: containerLevelsKey(workspaceId, container) });
    void queryClient.invalidateQueries({ queryKey: ['blobs.search', workspaceId, container] });
  };
  const deleted = (result: DeleteBlobsResult) => {
    setPanel(null);
    setSelected(new Set());
    if (shown !== undefined && result.deleted.includes(shown)) setShown(undefined);
    setNotice({ deleted: result.deleted.length, kept: result.kept });
    refresh();
  };
  const tierChanged = (result: SetBlobTierResult) => {
    setPanel(null);
    setSelected(new Set());
    setTierNotice(result);
    refresh();
  };
  const allLoaded = rows.length > 0 && rows.every((r) => selected.has(r.name));
  const destination = `${container}/${prefix}`;
  const selectedBlobs = [...selected].flatMap((name) => blobsByName.get(name) ?? []);
  const selectedFolders = [...selected].filter((n) => n.endsWith('/'));
  const scanned = searching ? (found.data?.pages ?? []).reduce((n, p) => n + p.scanned, 0) : 0;
  const upload = (tops: Parameters<typeof drop.upload>[0]) => void drop.upload(tops, { workspaceId, container, prefix });

  return (
    <>
      <BlobToolbar
        container={container}
        prefix={prefix}
        containers={containers}
        selectedCount={selected.size}
        inBrowser={inBrowser}
        downloading={browser.pending}
        refreshing={listing.isFetching}
        onNavigate={(c, p) => (c === container ? open(p) : onNavigate(c, p))}
        onUpload={upload}
        onPanel={setPanel}
        onBrowserDownload={() => browser.start({ workspaceId, container, base: prefix, names: [...selected] })}
        onSearch={setSearch}
        onRefresh={refresh}
      />
      {listProblem && <p className="blobs-note">{listProblem}</p>}
      {browser.error && <ErrorPanel error={browser.error} onDismiss={browser.dismiss} />}
      {browser.started && (
        <p className="blobs-note" role="status" data-testid="browser-download-started">
          Your browser is downloading {browser.started.fileName} ({plural(browser.started.blobs, 'blob')}).
        </p>
      )}
      {notice && (
        <div className={notice.kept.length > 0 ? 'error-panel' : 'blobs-note'} role="status" data-testid="delete-notice">
          Deleted {plural(notice.deleted, 'blob')}.
          {notice.kept.length > 0 && (
            <ul className="blobs-problems">
              {notice.kept.slice(0, 20).map((k) => (
                <li key={k.name}>
                  Kept <span className="mono">{k.name}</span>: {k.reason}
                </li>
              ))}
            </ul>
          )}
          <button type="button" className="button button--quiet" onClick={() => setNotice(null)}>
            Dismiss
          </button>
        </div>
      )}
      {panel === 'download' && (
        <DownloadForm
          description={
            <>
              Download {describeSelection(selected)} from <span className="mono">{container}</span>
            </>
          }
          download={(targetFolder) => downloadSelection(workspaceId, container, [...selected], targetFolder)}
          onQueued={() => {
            setPanel(null);
            setSelected(new Set());
          }}
          onCancel={() => setPanel(null)}
        />
      )}
      {panel === 'delete' && <DeleteBlobs workspaceId={workspaceId} container={container} blobs={selectedBlobs} folders={selectedFolders} onDone={deleted} onCancel={() => setPanel(null)} />}
      {tierNotice && <TierNotice result={tierNotice} onDismiss={() => setTierNotice(null)} />}
      {panel === 'tier' && (
        <ChangeTier workspaceId={workspaceId} container={container} blobs={selectedBlobs} folders={selectedFolders.length} onDone={tierChanged} onCancel={() => setPanel(null)} />
      )}
      {panel === 'newFolder' && (
        <NewFolder
          prefix={prefix}
          onCreate={(next) => {
            open(next);
            setNotice(null);
          }}
          onCancel={() => setPanel(null)}
        />
      )}
      <DropStatus drop={drop} />
      {searching && (
        <p className="blobs-note muted" role="status" data-testid="search-status">
          Names containing “{search}” below {destination}: {formatCount(rows.length)} found in {formatCount(scanned)} blobs searched
          {found.hasNextPage ? ' so far; scroll for more.' : '.'}
        </p>
      )}
      <div className="blobs-body">
        <main className="listing blobs-listing" data-testid="listing">
          <DropZone destination={destination} onDrop={(tops) => upload(tops)}>
            {listing.isPending ? (
              <Loading label={searching ? `Searching ${destination}…` : `Listing ${destination}…`} />
            ) : listing.isError ? (
              <ErrorPanel error={listing.error} onRetry={() => void listing.refetch()} retrying={listing.isFetching} onEditWorkspace={onEditWorkspace} />
            ) : (
              <BlobList
                prefix={prefix}
                rows={rows}
                selected={selected}
                onToggle={toggle}
                onToggleAll={() => setSelected(allLoaded ? new Set() : new Set(rows.map((r) => r.name)))}
                onOpen={open}
                shown={shown}
                onShow={(blob: BlobEntry) => setShown(blob.name)}
                emptyText={
                  searching
                    ? 'No blob name here contains that.'
                    : 'Nothing here yet: a folder exists once something is in it. Drop files or folders here, or use Upload files…'
                }
                hasMore={listing.hasNextPage}
                loadingMore={listing.isFetchingNextPage}
                onLoadMore={loadMore}
              />
            )}
          </DropZone>
        </main>
        {shown !== undefined && <BlobDetails key={shown} workspaceId={workspaceId} container={container} blob={shown} onClose={() => setShown(undefined)} />}
      </div>
    </>
  );
}
