import { useRef } from 'react';
import type { MlflowRun } from '../../../../shared/schemas/mlflow.js';
import { formatDuration, formatTime, isoTime } from '../../format.js';
import { SortHeader } from '../../ui/SortHeader.js';
import { useVirtualRows } from '../../ui/useVirtualRows.js';
import { RunStatus } from './RunStatus.js';
import { cellValue, columnId, columnLabel, sameColumn, type RunColumn, type RunRow, type RunSort } from './runs-table.js';
import { displayName } from '../../../../shared/display-name.js';

const ROW_HEIGHT = 30;
const FIXED: RunColumn[] = (['name', 'status', 'user', 'start', 'duration'] as const).map((field) => ({ kind: 'field', field }));
const WIDTH: Record<string, string> = { name: '240px', status: '92px', user: '100px', start: '205px', duration: '84px' };

interface Props {
  rows: RunRow[];
  columns: RunColumn[];
  sort: RunSort;
  onSort: (sort: RunSort) => void;
  selected: ReadonlySet<string>;
  onSelect: (runId: string, on: boolean) => void;
  expanded: ReadonlySet<string>;
  onExpand: (runId: string, on: boolean) => void;
  onOpen: (run: MlflowRun) => void;
}

function formatCell(run: MlflowRun, c: RunColumn) {
  const value = cellValue(run, c);
  if (value === null) return <span className="muted">—</span>;
  if (c.kind === 'metric' && typeof value === 'number') return Number.isInteger(value) ? value : Number(value.toPrecision(6));
  return value;
}

function HeaderCell({ column, sort, onSort }: { column: RunColumn; sort: RunSort; onSort: (s: RunSort) => void }) {
  const label = columnLabel(column);
  return (
    <SortHeader
      className={`ml-runs__cell ml-runs__cell--${column.kind}`}
      title={column.kind === 'field' ? label.toLowerCase() : `${column.kind} ${label}`}
      sort={{ active: sameColumn(column, sort.column), dir: sort.dir, onSort: (dir) => onSort({ column, dir }) }}
    >
      {column.kind !== 'field' && <span className="ml-runs__kind">{column.kind}</span>}
      <span className="ml-ellipsis">{label}</span>
    </SortHeader>
  );
}

function FixedCells({ row, expanded, onExpand, onOpen }: { row: RunRow; expanded: boolean; onExpand: (on: boolean) => void; onOpen: () => void }) {
  const { run } = row;
  return (
    <>
      <div role="cell" className="ml-runs__cell ml-runs__name" style={{ paddingLeft: 6 + row.depth * 18 }}>
        {row.childCount > 0 ? (
          <button
            type="button"
            className="ml-twisty"
            aria-expanded={expanded}
            aria-label={`${expanded ? 'Collapse' : 'Expand'} ${row.childCount} child runs of ${displayName(run.name)}`}
            data-testid="run-expand"
            onClick={() => onExpand(!expanded)}
          >
            {expanded ? '▾' : '▸'}
          </button>
        ) : (
          <span className="ml-twisty ml-twisty--leaf" aria-hidden="true" />
        )}
        <button type="button" className="link-button ml-ellipsis" data-testid="run-name" onClick={onOpen} title={run.runId}>
          {displayName(run.name || run.runId)}
        </button>
        {row.childCount > 0 && <span className="muted ml-runs__children">{row.childCount}</span>}
        {run.lifecycleStage === 'deleted' && <span className="tag tag--quiet">deleted</span>}
      </div>
      <div role="cell" className="ml-runs__cell">
        <RunStatus status={run.status} />
      </div>
      <div role="cell" className="ml-runs__cell ml-ellipsis">{run.user ?? <span className="muted">—</span>}</div>
      <div role="cell" className="ml-runs__cell" title={isoTime(run.startTime)}>
        {formatTime(run.startTime)}
      </div>
      <div role="cell" className="ml-runs__cell">
        {run.status === 'RUNNING' ? <span className="muted">running…</span> : formatDuration(run.durationMs)}
      </div>
    </>
  );
}

/** An experiment's runs: virtualized rows, every param, latest metric and user tag as a sortable column, nested runs under their parent. */
export function MlflowRunsTable({ rows, columns, sort, onSort, selected, onSelect, expanded, onExpand, onOpen }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualRows({ count: rows.length, scrollRef, rowHeight: ROW_HEIGHT, overscan: 12 });
  const all = [...FIXED, ...columns];
  const template = ['34px', ...all.map((c) => (c.kind === 'field' ? WIDTH[c.field] : '130px'))].join(' ');

  return (
    <div className="ml-runs" role="table" aria-label="Runs" aria-rowcount={rows.length + 1} data-testid="mlflow-runs-table" ref={scrollRef}>
      <div role="row" className="ml-runs__row ml-runs__row--head" style={{ gridTemplateColumns: template }} aria-rowindex={1}>
        <div role="columnheader" className="ml-runs__cell">
          <span className="ml-visually-hidden">Select</span>
        </div>
        {all.map((c) => (
          <HeaderCell key={columnId(c)} column={c} sort={sort} onSort={onSort} />
        ))}
      </div>
      <div className="ml-runs__spacer" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index];
          const { run } = row;
          return (
            <div
              key={run.runId}
              role="row"
              aria-rowindex={item.index + 2}
              aria-selected={selected.has(run.runId)}
              className={`ml-runs__row${run.lifecycleStage === 'deleted' ? ' ml-row--deleted' : ''}`}
              data-testid="mlflow-run-row"
              data-run-id={run.runId}
              style={{ gridTemplateColumns: template, transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
            >
              <div role="cell" className="ml-runs__cell">
                <input
                  type="checkbox"
                  aria-label={`Select ${displayName(run.name || run.runId)} for comparison`}
                  checked={selected.has(run.runId)}
                  onChange={(e) => onSelect(run.runId, e.target.checked)}
                />
              </div>
              <FixedCells row={row} expanded={expanded.has(run.runId)} onExpand={(on) => onExpand(run.runId, on)} onOpen={() => onOpen(run)} />
              {columns.map((c) => (
                <div key={columnId(c)} role="cell" className={`ml-runs__cell ml-runs__cell--${c.kind} ml-ellipsis`} title={String(cellValue(run, c) ?? '')}>
                  {formatCell(run, c)}
                </div>
              ))}
            </div>
          );
        })}
      </div>
    </div>
  );
}
