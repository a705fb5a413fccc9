import { useEffect, useRef } from 'react';
import type { TraceRow, TraceSort } from '../../../../shared/schemas/mlflow.js';
import { formatCount, formatDuration, formatTime, isoTime } from '../../format.js';
import { SortHeader } from '../../ui/SortHeader.js';
import { rowOpener } from '../../ui/row-opener.js';
import { useVirtualRows } from '../../ui/useVirtualRows.js';
import { mismatchTitle, shownUsage } from '../tokens/tokens-format.js';
import { TraceStateBadge } from './TraceState.js';

const ROW_HEIGHT = 30;

interface Props {
  traces: TraceRow[];
  sort: TraceSort;
  onSort: (sort: TraceSort) => void;
  onOpen: (traceId: string) => void;
  /** Asked for when the last rows come into view and more pages exist. */
  onNearEnd: () => void;
}

interface Column {
  label: string;
  sortBy?: TraceSort['by'];
  className: string;
}

const COLUMNS: Column[] = [
  { label: 'Time', sortBy: 'timestamp', className: 'ml-traces__time' },
  { label: 'Name', sortBy: 'name', className: 'ml-traces__name' },
  { label: 'State', className: 'ml-traces__state' },
  { label: 'Duration', sortBy: 'duration', className: 'ml-traces__num' },
  { label: 'Request', className: 'ml-traces__preview' },
  { label: 'Response', className: 'ml-traces__preview' },
  { label: 'Model', className: 'ml-traces__model' },
  { label: 'In', className: 'ml-traces__num' },
  { label: 'Out', className: 'ml-traces__num' },
  { label: 'Total', sortBy: 'tokens', className: 'ml-traces__num' },
];

function Header({ sort, onSort }: { sort: TraceSort; onSort: (s: TraceSort) => void }) {
  return (
    <div role="row" className="ml-traces__row ml-traces__row--head" aria-rowindex={1}>
      {COLUMNS.map(({ label, sortBy, className }) => (
        <SortHeader
          key={label}
          className={`ml-traces__cell ${className}`}
          title={label.toLowerCase()}
          sort={sortBy === undefined ? undefined : { active: sort.by === sortBy, dir: sort.order, onSort: (order) => onSort({ by: sortBy, order }) }}
        >
          {label}
        </SortHeader>
      ))}
    </div>
  );
}

function Cells({ trace }: { trace: TraceRow }) {
  const usage = shownUsage(trace);
  const tokens = (n: number | undefined) => (n === undefined ? <span className="muted">—</span> : formatCount(n));
  return (
    <>
      <div role="cell" className="ml-traces__cell ml-traces__time" title={isoTime(trace.timestampMs)}>
        {formatTime(trace.timestampMs)}
      </div>
      <div role="cell" className="ml-traces__cell ml-traces__name">
        <span className="ml-traces__open ml-ellipsis" data-testid="trace-open" title={trace.traceId}>
          {trace.name ?? trace.traceId}
        </span>
      </div>
      <div role="cell" className="ml-traces__cell ml-traces__state">
        <TraceStateBadge state={trace.state} />
      </div>
      <div role="cell" className="ml-traces__cell ml-traces__num">
        {formatDuration(trace.durationMs)}
      </div>
      <div role="cell" className="ml-traces__cell ml-traces__preview ml-ellipsis" title={trace.requestPreview ?? undefined}>
        {trace.requestPreview ?? <span className="muted">—</span>}
      </div>
      <div role="cell" className="ml-traces__cell ml-traces__preview ml-ellipsis" title={trace.responsePreview ?? undefined}>
        {trace.responsePreview ?? <span className="muted">—</span>}
      </div>
      <div role="cell" className="ml-traces__cell ml-traces__model ml-ellipsis">
        {trace.model ?? <span className="muted">—</span>}
      </div>
      <div role="cell" className="ml-traces__cell ml-traces__num">
        {tokens(usage?.input)}
      </div>
      <div role="cell" className="ml-traces__cell ml-traces__num">
        {tokens(usage?.output)}
      </div>
      <div role="cell" className="ml-traces__cell ml-traces__num" data-testid="trace-total-tokens">
        {trace.tokenMismatch && (
          <span className="ml-mismatch" title={mismatchTitle(trace)} data-testid="token-mismatch" aria-label="Stored token total differs from the spans' sum">
            ≠
          </span>
        )}
        {tokens(usage?.total)}
      </div>
    </>
  );
}

/** The experiment's traces, virtualized; more pages load as the end scrolls into view. A whole row opens its trace. */
export function TracesList({ traces, sort, onSort, onOpen, onNearEnd }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualRows({ count: traces.length, scrollRef, rowHeight: ROW_HEIGHT, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.length > 0 ? items[items.length - 1].index : -1;
  useEffect(() => {
    if (lastIndex >= traces.length - 20) onNearEnd();
  }, [lastIndex, traces.length, onNearEnd]);

  return (
    <div className="ml-traces" role="table" aria-label="Traces" aria-rowcount={traces.length + 1} data-testid="traces-table" ref={scrollRef}>
      <Header sort={sort} onSort={onSort} />
      <div className="ml-traces__spacer" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const trace = traces[item.index];
          const opener = rowOpener(() => onOpen(trace.traceId));
          return (
            <div
              key={trace.traceId}
              role="row"
              aria-rowindex={item.index + 2}
              {...opener}
              className={`ml-traces__row ${opener.className}`}
              data-testid="trace-row"
              data-trace-id={trace.traceId}
              data-state={trace.state}
              style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
            >
              <Cells trace={trace} />
            </div>
          );
        })}
      </div>
    </div>
  );
}
