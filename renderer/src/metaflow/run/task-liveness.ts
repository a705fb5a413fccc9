import type { RunStatus, TaskStatus, TaskSummary } from '../../../../shared/contract.js';
import { formatTime } from '../../format.js';

// A task's liveness as a metadata service tells it: an unfinished task whose heartbeat stopped shows as stale
// (its worker is gone), never as running; the heartbeat's time goes in its title.

/** The status a task's badge shows: stale for a service task whose heartbeat stopped, else its own status. */
export function taskBadgeStatus(task: TaskSummary): TaskStatus | RunStatus {
  return task.stale === true ? 'stale' : task.status;
}

/** The task's last heartbeat, in words; undefined without a metadata service. */
export function heartbeatText(task: TaskSummary): string | undefined {
  if (task.lastHeartbeatAt === undefined) return undefined;
  const at = task.lastHeartbeatAt === null ? 'no heartbeat recorded' : `last heartbeat ${formatTime(task.lastHeartbeatAt)}`;
  return task.stale === true ? `${at}: not finished, and its heartbeat stopped longer ago than the service's cutoff (its worker is gone)` : at;
}
