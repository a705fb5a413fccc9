import type { TaskStatus } from '../../../shared/contract.js';

const LABEL: Record<TaskStatus, string> = {
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  unknown: 'unknown',
};

/** A run's, step's, task's or attempt's status as a coloured pill (colour is never the only cue: the word is there). */
export function StatusBadge({ status, testId }: { status: TaskStatus; testId?: string }) {
  return (
    <span className={`status status--${status}`} data-testid={testId} data-status={status}>
      {status === 'running' && <span className="status__pulse" aria-hidden="true" />}
      {LABEL[status]}
    </span>
  );
}
