import { useMemo, useRef, useState } from 'react';
import type { Span } from '../../../../shared/schemas/mlflow.js';
import { formatCount, formatDuration } from '../../format.js';
import { useVirtualRows } from '../../ui/useVirtualRows.js';
import { visibleRows, type SpanIndex } from './span-tree.js';

const ROW_HEIGHT = 26;

interface Props {
  spans: Span[];
  /** The parent → children index of `spans` (built as they arrived). */
  tree: SpanIndex;
  selected: number | null;
  onSelect: (index: number) => void;
}

interface Scale {
  start: number;
  length: number;
}

function traceScale(spans: Span[]): Scale {
  let start = Infinity;
  let end = -Infinity;
  for (const s of spans) {
    start = Math.min(start, s.startMs);
    end = Math.max(end, s.endMs ?? s.startMs);
  }
  return { start, length: Math.max(end - start, 1e-6) };
}

/** The span tree as a virtualized list (only the rows in view are in the DOM), each row with its bar in the trace's waterfall. */
export function SpanTree({ spans, tree, selected, onSelect }: Props) {
  const [collapsed, setCollapsed] = useState<ReadonlySet<number>>(new Set());
  const rows = useMemo(() => visibleRows(tree, collapsed), [tree, collapsed]);
  const scale = useMemo(() => traceScale(spans), [spans]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualRows({ count: rows.length, scrollRef, rowHeight: ROW_HEIGHT, overscan: 20 });
  const toggle = (index: number) =>
    setCollapsed((c) => {
      const next = new Set(c);
      if (next.has(index)) next.delete(index);
      else next.add(index);
      return next;
    });
  const parents = () => new Set(tree.children.flatMap((kids, i) => (kids.length > 0 ? [i] : [])));

  return (
    <div className="ml-spantree">
      <div className="ml-toolbar ml-toolbar--tight">
        <span className="muted" data-testid="span-count">
          {formatCount(spans.length)} spans
        </span>
        <span className="ml-spacer" />
        <button type="button" className="button button--small button--quiet" onClick={() => setCollapsed(new Set())}>
          Expand all
        </button>
        <button type="button" className="button button--small button--quiet" onClick={() => setCollapsed(parents())}>
          Collapse all
        </button>
      </div>
      <div className="ml-spantree__row ml-spantree__row--head" aria-hidden="true">
        <span>Span</span>
        <span>Type</span>
        <span>Duration</span>
        <span>Timeline</span>
      </div>
      <div className="ml-spantree__body" ref={scrollRef} role="tree" aria-label="Spans" data-testid="span-tree">
        <div className="ml-spantree__spacer" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index];
            const span = spans[row.index];
            const isCollapsed = collapsed.has(row.index);
            const end = span.endMs ?? span.startMs;
            const left = (span.startMs - scale.start) / scale.length;
            const width = (end - span.startMs) / scale.length;
            return (
              <div
                key={row.index}
                role="treeitem"
                aria-level={row.depth + 1}
                aria-selected={selected === row.index}
                aria-expanded={row.hasChildren ? !isCollapsed : undefined}
                className={`ml-spantree__row${selected === row.index ? ' ml-spantree__row--on' : ''}${span.status === 'ERROR' ? ' ml-spantree__row--error' : ''}`}
                data-testid="span-row"
                data-span-id={span.spanId}
                data-row={item.index}
                data-status={span.status}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                onClick={() => onSelect(row.index)}
              >
                <span className="ml-spantree__name" style={{ paddingLeft: row.depth * 14 }}>
                  {row.hasChildren ? (
                    <button
                      type="button"
                      className="ml-twisty"
                      aria-label={`${isCollapsed ? 'Expand' : 'Collapse'} ${span.name}`}
                      onClick={(e) => {
                        e.stopPropagation();
                        toggle(row.index);
                      }}
                    >
                      {isCollapsed ? '▸' : '▾'}
                    </button>
                  ) : (
                    <span className="ml-twisty ml-twisty--leaf" aria-hidden="true" />
                  )}
                  <span className="ml-ellipsis" title={span.name}>
                    {span.status === 'ERROR' && <span className="ml-error-dot" aria-label="error" />}
                    {span.name}
                  </span>
                  {span.usage && <span className="ml-spantree__tokens muted">{formatCount(span.usage.total)} tok</span>}
                </span>
                <span className="ml-spantree__type">{span.type ?? ''}</span>
                <span className="ml-spantree__duration">{span.endMs === null ? '…' : formatDuration(span.endMs - span.startMs)}</span>
                <span className="ml-spantree__lane">
                  <span
                    className={`ml-spantree__bar ml-spantree__bar--${span.status.toLowerCase()}`}
                    style={{ left: `${left * 100}%`, width: `max(2px, ${width * 100}%)` }}
                  />
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
