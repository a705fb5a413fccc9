import './status.css';
import type { RunStatus, TaskStatus } from '../../../shared/contract.js';

type Status = TaskStatus | RunStatus;

const LABEL: Record<Status, string> = {
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  unknown: 'unknown',
  stale: 'stale',
};

/** A run's, step's, task's or attempt's status as a coloured pill (colour is never the only cue: the word is there). */
export function StatusBadge({ status, testId, title }: { status: Status; testId?: string; title?: string }) {
  return (
    <span className={`status status--${status}`} data-testid={testId} data-status={status} title={title}>
      {status === 'running' && <span className="status__pulse" aria-hidden="true" />}
      {LABEL[status]}
    </span>
  );
}
