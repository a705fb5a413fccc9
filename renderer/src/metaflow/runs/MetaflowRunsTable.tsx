import { useEffect, useRef } from 'react';
import type { RunSummary } from '../../../../shared/contract.js';
import { ApproxTime } from '../run/ApproxTime.js';
import { unfinishedText } from '../run/unfinished-text.js';
import { failureText } from '../run/failure-text.js';
import { StatusBadge } from '../../ui/StatusBadge.js';
import type { Sort, SortKey } from './run-filters.js';
import { SortHeader, type SortDir } from '../../ui/SortHeader.js';
import { useVirtualRows } from '../../ui/useVirtualRows.js';
import { displayName } from '../../../../shared/display-name.js';

const ROW_HEIGHT = 30;

interface Props {
  runs: RunSummary[];
  sort: Sort;
  onSort: (sort: Sort) => void;
  /** Users and tags exist only with Metaflow metadata; without it those columns are left out. */
  showMetadata: boolean;
  onOpen: (runId: string) => void;
  /** The ids of the rows in view, whenever they change (scrolling, sorting, filtering). */
  onVisible?: (ids: string[]) => void;
  /** The service has more runs: called when the last rows scroll into view, to read its next page. */
  onNearEnd?: () => void;
}

/** How many rows before the end the next page is asked for, so it usually arrives before the end is reached. */
const NEAR_END_ROWS = 10;

interface Column {
  label: string;
  sortKey?: SortKey;
  className: string;
}

function columns(showMetadata: boolean): Column[] {
  return [
    { label: 'Status', sortKey: 'status', className: 'runs-cell--status' },
    { label: 'Run', sortKey: 'id', className: 'runs-cell--id' },
    { label: 'Started', sortKey: 'start', className: 'runs-cell--time' },
    { label: 'Finished', sortKey: 'finished', className: 'runs-cell--time' },
    { label: 'Duration', sortKey: 'duration', className: 'runs-cell--duration' },
    ...(showMetadata
      ? [
          { label: 'User', className: 'runs-cell--user' },
          { label: 'Tags', className: 'runs-cell--tags' },
        ]
      : []),
  ];
}

// Run ids and statuses read better ascending on the first click; times and durations newest or longest first.
function sortable(key: SortKey, sort: Sort, onSort: (sort: Sort) => void) {
  const firstDir: SortDir = key === 'id' || key === 'status' ? 'asc' : 'desc';
  return { active: sort.key === key, dir: sort.dir, firstDir, onSort: (dir: SortDir) => onSort({ key, dir }) };
}

function RunRow({ run, showMetadata, onOpen }: { run: RunSummary; showMetadata: boolean; onOpen: (id: string) => void }) {
  return (
    <>
      <div role="cell" className="runs-cell runs-cell--status" title={run.failure ? failureText(run.failure) : undefined}>
        {run.listedOnly ? (
          <span className="status status--reading" data-testid="run-status" data-status="reading" title="Listed; its status is being read">
            …
          </span>
        ) : (
          <StatusBadge status={run.status} testId="run-status" />
        )}
        {run.failure && (
          <span className="runs-failure mono" data-testid="run-failure-step">
            {displayName(run.failure.step)}
          </span>
        )}
      </div>
      <div role="cell" className="runs-cell runs-cell--id">
        <button type="button" className="runs-open" aria-label={displayName(run.id)} data-testid="run-id" onClick={() => onOpen(run.id)}>
          {displayName(run.id)}
        </button>
      </div>
      <div role="cell" className="runs-cell runs-cell--time">
        <ApproxTime ms={run.startedAt} approximate={run.approximate} />
      </div>
      <div role="cell" className="runs-cell runs-cell--time">
        {unfinishedText(run) !== undefined ? <span className="muted">{unfinishedText(run)}</span> : <ApproxTime ms={run.finishedAt} approximate={run.approximate} />}
      </div>
      <div role="cell" className="runs-cell runs-cell--duration">
        <ApproxTime ms={run.durationMs} approximate={run.approximate} kind="duration" testId="run-duration" />
      </div>
      {showMetadata && (
        <>
          <div role="cell" className="runs-cell runs-cell--user">
            {run.user ?? <span className="muted">—</span>}
          </div>
          <div role="cell" className="runs-cell runs-cell--tags" title={(run.tags ?? []).join(', ')}>
            {(run.tags ?? []).map((tag) => (
              <span key={tag} className="tag">
                {tag}
              </span>
            ))}
          </div>
        </>
      )}
    </>
  );
}

/** A flow's runs as a virtualized table: only the rows in view are in the DOM, so 10,000 scroll like 10. */
export function MetaflowRunsTable({ runs, sort, onSort, showMetadata, onOpen, onVisible, onNearEnd }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualRows({ count: runs.length, scrollRef, rowHeight: ROW_HEIGHT, overscan: 12 });
  const inView = virtualizer.getVirtualItems().flatMap((item) => runs[item.index]?.id ?? []).join('\n');
  useEffect(() => {
    if (onVisible && inView !== '') onVisible(inView.split('\n'));
  }, [inView, onVisible]);
  const lastShown = virtualizer.getVirtualItems().at(-1)?.index ?? -1;
  const nearEnd = lastShown >= runs.length - NEAR_END_ROWS;
  // Only once scrolled: a short list (a narrow filter) would otherwise read page after page on its own.
  const scrolled = (virtualizer.scrollOffset ?? 0) > 0;
  useEffect(() => {
    if (nearEnd && scrolled) onNearEnd?.();
  }, [nearEnd, scrolled, onNearEnd]);
  const cols = columns(showMetadata);
  const gridClass = `runs-grid${showMetadata ? ' runs-grid--metadata' : ''}`;

  return (
    <div className="runs-table" role="table" aria-label="Runs" aria-rowcount={runs.length + 1} data-testid="runs-table">
      <div role="rowgroup" className="runs-table__head">
        <div role="row" className={`${gridClass} runs-row--head`} aria-rowindex={1}>
          {cols.map((column) => (
            <SortHeader
              key={column.label}
              className={`runs-cell ${column.className}`}
              title={column.label.toLowerCase()}
              sort={column.sortKey === undefined ? undefined : sortable(column.sortKey, sort, onSort)}
            >
              {column.label}
            </SortHeader>
          ))}
        </div>
      </div>
      <div role="rowgroup" className="runs-table__body" ref={scrollRef}>
        <div className="runs-table__spacer" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const run = runs[item.index];
            return (
              <div
                key={run.id}
                role="row"
                aria-rowindex={item.index + 2}
                className={`${gridClass} runs-row`}
                data-testid="run-row"
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                onClick={(e) => {
                  // The id's button handles keyboard and its own clicks; the rest of the row is a larger target.
                  if (!(e.target instanceof HTMLButtonElement)) onOpen(run.id);
                }}
              >
                <RunRow run={run} showMetadata={showMetadata} onOpen={onOpen} />
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
