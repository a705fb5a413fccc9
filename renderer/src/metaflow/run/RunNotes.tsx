import type { RunDetail } from '../../../../shared/contract.js';
import { plural } from '../../format.js';
import { displayName } from '../../../../shared/display-name.js';
import { exceptionText } from './failure-text.js';

/** A failed run: the task it stopped at (opens it) and the exception it raised, with its traceback on demand. */
export function FailureNote({ detail, onOpenTask }: { detail: RunDetail; onOpenTask: (step: string, task: string) => void }) {
  const failure = detail.summary.failure;
  if (!failure) return null;
  return (
    <div className="note note--error" data-testid="run-failure">
      <div>
        Failed at{' '}
        <button type="button" className="link-button mono" onClick={() => onOpenTask(failure.step, failure.task)} data-testid="run-failure-task">
          {displayName(failure.step)}/{displayName(failure.task)}
        </button>
        {failure.exception ? (
          <>
            {': '}
            <span className="mono" data-testid="run-failure-exception">
              {exceptionText(failure.exception)}
            </span>
          </>
        ) : (
          ' (the datastore holds no exception for it)'
        )}
      </div>
      {failure.exception && failure.exception.traceback !== '' && (
        <details className="run-failure__trace">
          <summary>Traceback</summary>
          <pre className="mono">{failure.exception.traceback}</pre>
        </details>
      )}
    </div>
  );
}

/** A run made by `resume`: the run it resumed (opens it) and the tasks it cloned from there. */
export function ResumeNote({ detail, onOpenRun }: { detail: RunDetail; onOpenRun?: (run: string) => void }) {
  if (!detail.resumed) return null;
  const origin = detail.resumed.originRunId;
  const cloned = detail.tasks.filter((t) => t.cloned);
  return (
    <div className="note note--info" data-testid="resumed">
      Resumed{' '}
      {origin === null ? (
        'from an earlier run (not recorded, and no earlier run holds its cloned tasks)'
      ) : (
        <>
          from run{' '}
          {onOpenRun ? (
            <button type="button" className="link-button mono" onClick={() => onOpenRun(origin)} data-testid="resumed-origin">
              {displayName(origin)}
            </button>
          ) : (
            <span className="mono" data-testid="resumed-origin">
              {displayName(origin)}
            </span>
          )}
        </>
      )}
      {' · '}
      {cloned.length === 0 ? (
        'no task was cloned'
      ) : (
        <>
          {plural(cloned.length, 'task')} cloned (no logs of their own):{' '}
          <span className="mono">{cloned.map((t) => `${t.step}/${t.id}`).join(', ')}</span>
        </>
      )}
    </div>
  );
}
