import { useEffect, useRef } from 'react';
import { formatBytes, formatCount, formatTime, isoTime } from '../format.js';
import { useVirtualRows } from '../ui/useVirtualRows.js';
import { leafName, type Row } from './queries.js';
import { displayName } from '../../../shared/display-name.js';
import type { BlobEntry } from '../../../shared/schemas/blobs.js';
import { describeTier, tierState } from '../../../shared/access-tier.js';

const ROW_HEIGHT = 30;
/** Fetch the next page once the view is this many rows from the end of what is loaded. */
const PREFETCH_ROWS = 50;

interface Props {
  prefix: string;
  rows: Row[];
  selected: ReadonlySet<string>;
  onToggle: (name: string) => void;
  onToggleAll: () => void;
  onOpen: (prefix: string) => void;
  /** The blob whose details are shown. */
  shown?: string;
  onShow: (blob: BlobEntry) => void;
  /** What an empty list says. */
  emptyText: string;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
}

interface CellProps {
  row: Row;
  prefix: string;
  onOpen: (prefix: string) => void;
  onShow: (blob: BlobEntry) => void;
}

/** Archive and a running rehydration stand out: such a blob cannot be read or previewed. */
function TierCell({ blob }: { blob: BlobEntry }) {
  const state = tierState(blob);
  const label = state.kind === 'archived' ? 'Archive' : state.kind === 'rehydrating' ? `Archive → ${state.target}` : (state.tier ?? '—');
  return (
    <span role="cell" className={`blobs-cell blobs-cell--tier${state.kind === 'online' ? '' : ' blobs-cell--archived'}`} title={describeTier(blob)} data-testid="blob-tier">
      {label}
    </span>
  );
}

function RowCells({ row, prefix, onOpen, onShow }: CellProps) {
  const label = displayName(leafName(row.name, prefix));
  if (row.kind === 'prefix') {
    return (
      <>
        <span role="cell" className="blobs-cell blobs-cell--name">
          <span className="blobs-icon blobs-icon--prefix" aria-hidden="true" />
          <button type="button" className="blobs-open" onClick={() => onOpen(row.name)} data-testid="blob-prefix">
            {label}
          </button>
        </span>
        <span role="cell" className="blobs-cell blobs-cell--size muted">—</span>
        <span role="cell" className="blobs-cell blobs-cell--time muted">—</span>
        <span role="cell" className="blobs-cell blobs-cell--tier muted">—</span>
      </>
    );
  }
  const { blob } = row;
  return (
    <>
      <span role="cell" className="blobs-cell blobs-cell--name" title={blob.contentType ?? undefined}>
        <span className="blobs-icon blobs-icon--blob" aria-hidden="true" />
        <button type="button" className="blobs-open blobs-name" onClick={() => onShow(blob)} data-testid="blob-name">
          {label}
        </button>
      </span>
      <span role="cell" className="blobs-cell blobs-cell--size" title={`${formatCount(blob.size)} bytes`} data-testid="blob-size">
        {formatBytes(blob.size)}
      </span>
      <span role="cell" className="blobs-cell blobs-cell--time" title={isoTime(blob.lastModified)}>
        {formatTime(blob.lastModified)}
      </span>
      <TierCell blob={blob} />
    </>
  );
}

/** One level of a container, virtualized: a level of 100,000 blobs scrolls like one of ten, a page loaded at a time. */
export function BlobList({ prefix, rows, selected, onToggle, onToggleAll, onOpen, shown, onShow, emptyText, hasMore, loadingMore, onLoadMore }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualRows({ count: rows.length, scrollRef, rowHeight: ROW_HEIGHT, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.length > 0 ? items[items.length - 1].index : 0;
  const nearEnd = lastIndex >= rows.length - PREFETCH_ROWS;

  useEffect(() => {
    if (nearEnd && hasMore && !loadingMore) onLoadMore();
  }, [nearEnd, hasMore, loadingMore, onLoadMore]);

  const allSelected = rows.length > 0 && rows.every((r) => selected.has(r.name));
  return (
    <div className="blobs-table" role="table" aria-label="Blobs" aria-rowcount={rows.length + 1} data-testid="blob-list">
      <div role="row" className="blobs-row blobs-row--head">
        <span role="columnheader" className="blobs-cell blobs-cell--check">
          <input type="checkbox" aria-label="Select all loaded" checked={allSelected} onChange={onToggleAll} disabled={rows.length === 0} />
        </span>
        <span role="columnheader" className="blobs-cell blobs-cell--name">
          Name
        </span>
        <span role="columnheader" className="blobs-cell blobs-cell--size">
          Size
        </span>
        <span role="columnheader" className="blobs-cell blobs-cell--time">
          Modified
        </span>
        <span role="columnheader" className="blobs-cell blobs-cell--tier">
          Tier
        </span>
      </div>
      <div className="blobs-table__body" ref={scrollRef}>
        {rows.length === 0 && <p className="empty">{emptyText}</p>}
        <div className="blobs-table__spacer" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const row = rows[item.index];
            return (
              <div
                key={row.name}
                role="row"
                aria-rowindex={item.index + 2}
                className={`blobs-row${selected.has(row.name) ? ' blobs-row--selected' : ''}${shown === row.name ? ' blobs-row--shown' : ''}`}
                data-testid="blob-row"
                data-name={row.name}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
              >
                <span role="cell" className="blobs-cell blobs-cell--check">
                  <input type="checkbox" aria-label={`Select ${displayName(leafName(row.name, prefix))}`} checked={selected.has(row.name)} onChange={() => onToggle(row.name)} />
                </span>
                <RowCells row={row} prefix={prefix} onOpen={onOpen} onShow={onShow} />
              </div>
            );
          })}
        </div>
        {hasMore && (
          <p className="blobs-more muted" role="status">
            {loadingMore ? 'Loading more…' : 'More entries follow; scroll to load them.'}
          </p>
        )}
      </div>
    </div>
  );
}
