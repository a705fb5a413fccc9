import type { RunSummary } from '../../../../shared/contract.js';
import { formatTime } from '../../format.js';

/** What a run's Finished column says while it has not finished: running, or stale since its last activity. */
export function unfinishedText(summary: RunSummary): string | undefined {
  if (summary.status === 'running') return 'running…';
  if (summary.status === 'stale' && summary.lastHeartbeatAt != null) return `no heartbeat since ${formatTime(summary.lastHeartbeatAt)}`;
  if (summary.status === 'stale') return `no activity since ${formatTime(summary.lastActivityAt)}`;
  // Tags come only from local metadata: a run known from them alone has no data in the datastore.
  if (summary.status === 'unknown') return summary.tags === null ? 'no task records' : 'metadata only, no data';
  return undefined;
}
