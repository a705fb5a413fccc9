import { memo, useEffect, useMemo, useRef } from 'react';
import { logTime, splitMatches, type LogLine } from './log-search.js';
import { useVirtualRows } from '../../ui/useVirtualRows.js';

const LINE_HEIGHT = 18;

interface Props {
  lines: LogLine[];
  showTimes: boolean;
  query: string;
  /** Index of the line of the current search match. */
  current: number | undefined;
  /** Keep the last line in view as lines arrive. */
  follow: boolean;
}

const Highlighted = memo(function Highlighted({ text, query }: { text: string; query: string }) {
  return (
    <>
      {splitMatches(text, query).map((s, i) => (s.match ? <mark key={i}>{s.text}</mark> : s.text))}
    </>
  );
});

/** A log as a virtualized list: line numbers, optional timestamps and source, matches highlighted. */
export function LogLines({ lines, showTimes, query, current, follow }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualRows({ count: lines.length, scrollRef, rowHeight: LINE_HEIGHT, overscan: 20 });
  const showSource = useMemo(() => lines.some((l) => l.source !== lines[0].source), [lines]);

  useEffect(() => {
    if (current !== undefined) virtualizer.scrollToIndex(current, { align: 'center' });
  }, [current, virtualizer]);

  useEffect(() => {
    if (follow && lines.length > 0) virtualizer.scrollToIndex(lines.length - 1, { align: 'end' });
  }, [follow, lines.length, virtualizer]);

  return (
    <div className="log" ref={scrollRef} data-testid="log-lines" tabIndex={0} aria-label="Log lines">
      <div className="log__spacer" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => {
          const line = lines[item.index];
          return (
            <div
              key={item.key}
              ref={virtualizer.measureElement}
              data-index={item.index}
              className={`log-line${item.index === current ? ' log-line--current' : ''}`}
              style={{ transform: `translateY(${item.start}px)` }}
              data-testid="log-line"
            >
              <span className="log-line__n">{line.n}</span>
              {showTimes && (
                <span className="log-line__time" title={line.time ?? undefined}>
                  {logTime(line.time)}
                </span>
              )}
              {showSource && <span className={`log-line__source log-line__source--${line.source}`}>{line.source}</span>}
              <span className="log-line__text">
                <Highlighted text={line.text} query={query} />
              </span>
            </div>
          );
        })}
      </div>
    </div>
  );
}
