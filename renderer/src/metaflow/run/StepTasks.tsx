import '../runs/runs.css';
import { useEffect, useRef } from 'react';
import type { StepSummary, TaskSummary } from '../../../../shared/contract.js';
import { formatDuration, formatTime, plural } from '../../format.js';
import { StatusBadge } from '../../ui/StatusBadge.js';
import { useVirtualRows } from '../../ui/useVirtualRows.js';
import { displayName } from '../../../../shared/display-name.js';
import { exceptionText } from './failure-text.js';
import { heartbeatText, taskBadgeStatus } from './task-liveness.js';

const ROW_HEIGHT = 30;

interface Props {
  step: StepSummary | undefined;
  stepName: string | undefined;
  tasks: TaskSummary[];
  onOpen: (task: string) => void;
  /** The ids of the tasks in view (a progressive run view reads theirs first). */
  onVisible?: (ids: string[]) => void;
}

function taskDuration(task: TaskSummary): number | null {
  const first = task.attempts[0];
  const last = task.attempts[task.attempts.length - 1];
  if (!first || !last || first.startedAt === null || last.finishedAt === null) return null;
  return last.finishedAt >= first.startedAt ? last.finishedAt - first.startedAt : null;
}

/** The tasks of the step picked in the DAG; each opens its task view. Foreach steps can have thousands. */
export function StepTasks({ step, stepName, tasks, onOpen, onVisible }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualRows({ count: tasks.length, scrollRef, rowHeight: ROW_HEIGHT, overscan: 8 });
  const inView = virtualizer.getVirtualItems().flatMap((item) => tasks[item.index]?.id ?? []).join('\n');
  useEffect(() => {
    if (onVisible && inView !== '') onVisible(inView.split('\n'));
  }, [inView, onVisible]);

  return (
    <section className="panel run-panel" aria-labelledby="step-tasks-title" data-testid="step-tasks">
      <div className="run-panel__head">
        <h3 id="step-tasks-title" className="run-panel__title">
          {stepName ? (
            <>
              Tasks of <span className="mono">{displayName(stepName)}</span>
            </>
          ) : (
            'Tasks'
          )}
        </h3>
        {step && <span className="muted">{plural(tasks.length, 'task')}</span>}
      </div>
      {stepName === undefined ? (
        <p className="empty">Pick a step in the DAG to list its tasks.</p>
      ) : step === undefined ? (
        <p className="empty">This run has no step “{stepName}”.</p>
      ) : tasks.length === 0 ? (
        <p className="empty">This step has not run.</p>
      ) : (
        <div className="task-list" ref={scrollRef} role="list" aria-label={`Tasks of ${stepName}`}>
          <div className="task-list__spacer" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => {
              const task = tasks[item.index];
              return (
                <div key={task.id} role="listitem" className="task-list__item" style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}>
                  <button type="button" className="task-list__open" aria-label={displayName(task.id)} onClick={() => onOpen(task.id)} data-testid="task-entry">
                    <span className="task-list__id mono">{displayName(task.id)}</span>
                    {task.listedOnly ? (
                      <span className="status status--reading" data-testid="task-status" data-status="reading" title="Listed; its status is being read">
                        …
                      </span>
                    ) : (
                      <StatusBadge status={taskBadgeStatus(task)} title={heartbeatText(task)} />
                    )}
                    {task.attempts.length > 1 && <span className="tag">{plural(task.attempts.length, 'attempt')}</span>}
                    {task.cloned && <span className="tag tag--quiet">cloned</span>}
                    {task.caught && (
                      <span className="tag tag--warning" title={`@catch caught ${exceptionText(task.caught)}`} data-testid="task-caught">
                        caught
                      </span>
                    )}
                    {task.problems.length > 0 && (
                      <span className="tag task-problem" title={task.problems.join('\n')} data-testid="task-problem">
                        damaged
                      </span>
                    )}
                    <span className="task-list__time muted">{formatTime(task.attempts[0]?.startedAt ?? null)}</span>
                    <span className="task-list__duration muted">{formatDuration(taskDuration(task))}</span>
                    <span className="entry__chevron" aria-hidden="true">
                      ›
                    </span>
                  </button>
                </div>
              );
            })}
          </div>
        </div>
      )}
    </section>
  );
}
