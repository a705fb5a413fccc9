import { useQuery } from '@tanstack/react-query';
import { useDeferredValue, useMemo, useState } from 'react';
import { formatBytes, formatCount, plural } from '../../format.js';
import { logsQuery, type LogStream, type TaskRef } from '../queries.js';
import { ErrorPanel } from '../../ui/ErrorPanel.js';
import { Loading } from '../../ui/Loading.js';
import { LogLines } from './LogLines.js';
import { findMatches } from './log-search.js';

interface Props {
  task: TaskRef;
  /** Cloned by resume: it has no logs of its own. */
  cloned: boolean;
}

/** stdout or stderr of one attempt: searchable, with timestamps on request, followed while it runs. */
export function LogView({ task, cloned }: Props) {
  const [stream, setStream] = useState<LogStream>('stdout');
  const [showTimes, setShowTimes] = useState(false);
  const [follow, setFollow] = useState(true);
  const [query, setQuery] = useState('');
  const [matchIndex, setMatchIndex] = useState(0);
  const logs = useQuery(logsQuery(task, stream, follow));
  const lines = useMemo(() => logs.data?.lines ?? [], [logs.data]);
  const deferredQuery = useDeferredValue(query);
  const matches = useMemo(() => findMatches(lines, deferredQuery), [lines, deferredQuery]);
  const current = matches.length > 0 ? matches[Math.min(matchIndex, matches.length - 1)] : undefined;
  const live = logs.data?.live ?? false;

  const step = (delta: number) => {
    if (matches.length === 0) return;
    setMatchIndex((i) => (Math.min(i, matches.length - 1) + delta + matches.length) % matches.length);
  };

  return (
    <div className="log-view" data-testid="log-view">
      <div className="log-toolbar">
        <div className="segmented" role="radiogroup" aria-label="Stream">
          {(['stdout', 'stderr'] as const).map((s) => (
            <button
              key={s}
              type="button"
              role="radio"
              aria-checked={stream === s}
              className={`segmented__option${stream === s ? ' segmented__option--on' : ''}`}
              onClick={() => {
                setStream(s);
                setMatchIndex(0);
              }}
            >
              {s}
            </button>
          ))}
        </div>
        <label className="log-toolbar__toggle">
          <input type="checkbox" checked={showTimes} onChange={(e) => setShowTimes(e.target.checked)} /> Timestamps
        </label>
        {live && (
          <label className="log-toolbar__toggle" title="Reload every 2 s and keep the end in view">
            <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} data-testid="log-follow" /> Follow
            {follow && <span className="status__pulse" aria-hidden="true" />}
          </label>
        )}
        <span className="log-toolbar__spacer" />
        <input
          type="search"
          className="input log-toolbar__search"
          placeholder="Search log"
          aria-label="Search log"
          data-testid="log-search"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setMatchIndex(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              step(e.shiftKey ? -1 : 1);
            }
          }}
        />
        <span className="log-toolbar__count muted" data-testid="log-match-count" aria-live="polite">
          {deferredQuery === '' ? '' : matches.length === 0 ? 'no matches' : `${Math.min(matchIndex, matches.length - 1) + 1} of ${formatCount(matches.length)}`}
        </span>
        <button type="button" className="button button--small" onClick={() => step(-1)} disabled={matches.length === 0} aria-label="Previous match">
          ↑
        </button>
        <button type="button" className="button button--small" onClick={() => step(1)} disabled={matches.length === 0} aria-label="Next match">
          ↓
        </button>
      </div>
      {logs.isPending && <Loading label={`Reading ${stream}…`} />}
      {logs.isError && <ErrorPanel error={logs.error} onRetry={() => void logs.refetch()} retrying={logs.isFetching} />}
      {logs.data &&
        (logs.data.bytes === 0 ? (
          <p className="empty" data-testid="log-empty">
            {live ? `No ${stream} yet; following as the attempt runs.` : `This attempt wrote no ${stream}.`}
            {cloned && ' It was cloned by resume: its logs are in the origin run.'}
          </p>
        ) : (
          <>
            <div className="log-meta muted">
              {plural(lines.length, 'line')} · {formatBytes(logs.data.bytes)}
              {live && ' · attempt still running'}
            </div>
            <LogLines lines={lines} showTimes={showTimes} query={deferredQuery} current={current} follow={follow && live} />
          </>
        ))}
    </div>
  );
}
