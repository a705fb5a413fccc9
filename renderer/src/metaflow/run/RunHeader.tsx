import type { RunSummary } from '../../../../shared/contract.js';
import { StatusBadge } from '../../ui/StatusBadge.js';
import { displayName } from '../../../../shared/display-name.js';
import { ApproxTime } from './ApproxTime.js';
import { unfinishedText } from './unfinished-text.js';
import { formatTime } from '../../format.js';

/** A run's status, times and (with metadata) who ran it and its tags. */
export function RunHeader({ summary }: { summary: RunSummary }) {
  return (
    <div className="run-header" data-testid="run-header">
      <h2 className="run-header__title">
        <span className="muted">{displayName(summary.flow)}/</span>
        <span className="mono">{displayName(summary.id)}</span>
      </h2>
      <StatusBadge
        status={summary.status}
        testId="run-status"
        title={summary.status === 'stale' ? 'Not finished, and no task has recorded anything for longer than the stale threshold (Settings).' : undefined}
      />
      <dl className="facts">
        <div>
          <dt>Started</dt>
          <dd>
            <ApproxTime ms={summary.startedAt} approximate={summary.approximate} testId="run-started" />
          </dd>
        </div>
        <div>
          <dt>Finished</dt>
          <dd data-testid="run-finished">
            {unfinishedText(summary) ?? <ApproxTime ms={summary.finishedAt} approximate={summary.approximate} />}
          </dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>
            <ApproxTime ms={summary.durationMs} approximate={summary.approximate} kind="duration" testId="run-duration" />
          </dd>
        </div>
        {summary.lastHeartbeatAt !== undefined && (
          <div>
            <dt>Last heartbeat</dt>
            <dd data-testid="run-heartbeat" title="From the metadata service: a run whose heartbeat stops for longer than the service's cutoff is stale.">
              {summary.lastHeartbeatAt === null ? 'none' : formatTime(summary.lastHeartbeatAt)}
            </dd>
          </div>
        )}
        {summary.user !== null && (
          <div>
            <dt>User</dt>
            <dd>{summary.user}</dd>
          </div>
        )}
        {/* With a metadata service the tags are shown, and edited, beside the header (RunTagEditor). */}
        {summary.lastHeartbeatAt === undefined && summary.tags !== null && summary.tags.length > 0 && (
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
