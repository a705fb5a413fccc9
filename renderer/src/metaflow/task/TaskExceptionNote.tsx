import type { TaskSummary } from '../../../../shared/contract.js';
import { exceptionText } from '../run/failure-text.js';

/**
 * Why the shown attempt failed, or the exception `@catch` caught in a task that succeeded (Metaflow's UI marks
 * those too: the step's code raised, the flow went on), with the traceback on demand.
 */
export function TaskExceptionNote({ task, attempt }: { task: TaskSummary; attempt: number }) {
  const failed = task.attempts.find((a) => a.attempt === attempt)?.exception ?? null;
  const isLatest = attempt === task.attempts.at(-1)?.attempt;
  const exception = failed ?? (isLatest ? task.caught : null);
  if (!exception) return null;
  const caught = failed === null;
  return (
    <div className={`note ${caught ? '' : 'note--error'}`} data-testid={caught ? 'task-caught' : 'task-exception'}>
      {caught ? '@catch caught ' : `Attempt ${attempt} raised `}
      <span className="mono">{exceptionText(exception)}</span>
      {caught && ': the task succeeded and the flow went on.'}
      {exception.traceback !== '' && (
        <details className="run-failure__trace">
          <summary>Traceback</summary>
          <pre className="mono">{exception.traceback}</pre>
        </details>
      )}
    </div>
  );
}
