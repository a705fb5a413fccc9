import type { RunSummary } from '../../../shared/contract.js';
import { formatDuration, formatTime, isoTime } from '../format.js';
import { StatusBadge } from '../ui/StatusBadge.js';
import { displayName } from '../../../shared/display-name.js';

/** A run's status, times and (with metadata) who ran it and its tags. */
export function RunHeader({ summary }: { summary: RunSummary }) {
  return (
    <div className="run-header" data-testid="run-header">
      <h2 className="run-header__title">
        <span className="muted">{displayName(summary.flow)}/</span>
        <span className="mono">{displayName(summary.id)}</span>
      </h2>
      <StatusBadge status={summary.status} testId="run-status" />
      <dl className="facts">
        <div>
          <dt>Started</dt>
          <dd title={isoTime(summary.startedAt)}>{formatTime(summary.startedAt)}</dd>
        </div>
        <div>
          <dt>Finished</dt>
          <dd title={isoTime(summary.finishedAt)}>{summary.status === 'running' ? 'running…' : formatTime(summary.finishedAt)}</dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>{formatDuration(summary.durationMs)}</dd>
        </div>
        {summary.user !== null && (
          <div>
            <dt>User</dt>
            <dd>{summary.user}</dd>
          </div>
        )}
        {summary.tags !== null && summary.tags.length > 0 && (
          <div>
            <dt>Tags</dt>
            <dd>
              {summary.tags.map((tag) => (
                <span key={tag} className="tag">
                  {tag}
                </span>
              ))}
            </dd>
          </div>
        )}
      </dl>
    </div>
  );
}
