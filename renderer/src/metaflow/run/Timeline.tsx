import './timeline.css';
import { useMemo, useRef } from 'react';
import type { TaskSummary } from '../../../../shared/contract.js';
import { formatDuration, formatTime, plural } from '../../format.js';
import { exceptionText } from './failure-text.js';
import { useNow } from '../../ui/useNow.js';
import { bars, offsetLabel, ticks, timelineScale, type Bar } from './timeline-scale.js';
import { useVirtualRows } from '../../ui/useVirtualRows.js';
import { displayName } from '../../../../shared/display-name.js';

const ROW_HEIGHT = 24;

interface Props {
  tasks: TaskSummary[];
  onOpenTask: (step: string, task: string) => void;
}

function barTitle(task: TaskSummary, bar: Bar): string {
  const a = bar.attempt;
  const end = bar.open ? 'still running' : bar.endUnknown ? 'end not known' : formatTime(a.finishedAt);
  const took = !bar.open && !bar.endUnknown && a.startedAt !== null && a.finishedAt !== null ? ` (${formatDuration(a.finishedAt - a.startedAt)})` : '';
  const approximate = a.approximate === null ? '' : `\nApproximate: ${a.approximate}`;
  const raised = a.exception ? `\n${exceptionText(a.exception)}` : '';
  const head = `${displayName(task.step)}/${displayName(task.id)} attempt ${a.attempt}${task.attempts.length > 1 ? ` (of ${task.attempts.length})` : ''}: ${a.status}${task.cloned ? ', cloned' : ''}`;
  return `${head}\n${formatTime(a.startedAt)} → ${end}${took}${approximate}${raised}`;
}

function Bars({ task, list }: { task: TaskSummary; list: Bar[] }) {
  return (
    <>
      {list.map((bar) => (
        <span
          key={bar.attempt.attempt}
          className={[
            'gantt-bar',
            `gantt-bar--${bar.attempt.status}`,
            bar.open ? 'gantt-bar--open' : '',
            bar.endUnknown ? 'gantt-bar--noend' : '',
            task.cloned ? 'gantt-bar--cloned' : '',
          ].join(' ')}
          style={{ left: `${bar.left * 100}%`, width: `${bar.width * 100}%` }}
          title={barTitle(task, bar)}
          data-testid="timeline-bar"
          data-status={bar.attempt.status}
          data-attempt={bar.attempt.attempt}
        />
      ))}
    </>
  );
}

/** Gantt chart of the run: one row per task, one bar per attempt (failed red, running open-ended). */
export function Timeline({ tasks, onOpenTask }: Props) {
  const running = tasks.some((t) => t.attempts.some((a) => a.status === 'running'));
  const now = useNow(running);
  const scale = useMemo(() => timelineScale(tasks, now), [tasks, now]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualRows({ count: tasks.length, scrollRef, rowHeight: ROW_HEIGHT, overscan: 10 });

  if (scale === null) return <p className="empty">No task has recorded a start time yet.</p>;
  const marks = ticks(scale.span);
  return (
    <div className="gantt" data-testid="timeline">
      <div className="gantt__row gantt__row--axis">
        <div className="gantt__label muted" title="Run start">
          {formatTime(scale.start)}
        </div>
        <div className="gantt__track">
          {marks.map((t) => (
            <span key={t} className="gantt__tick" style={{ left: `${(t / scale.span) * 100}%` }}>
              {offsetLabel(t)}
            </span>
          ))}
        </div>
      </div>
      <div className="gantt__body" ref={scrollRef}>
        <div className="gantt__spacer" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const task = tasks[item.index];
            return (
              <div
                key={`${task.step}/${task.id}`}
                className="gantt__row"
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                data-testid="timeline-row"
                data-task={`${task.step}/${task.id}`}
              >
                <button type="button" className="gantt__label gantt__open" onClick={() => onOpenTask(task.step, task.id)}>
                  <span className="gantt__step">{displayName(task.step)}</span>
                  <span className="muted">/{displayName(task.id)}</span>
                  {task.cloned && <span className="tag tag--quiet">cloned</span>}
                  {task.attempts.length > 1 && (
                    <span className="tag" data-testid="timeline-attempts" title="Retried: one bar per attempt, failed ones red">
                      {plural(task.attempts.length, 'attempt')}
                    </span>
                  )}
                  {task.caught && (
                    <span className="tag tag--warning" data-testid="timeline-caught" title={`@catch caught ${exceptionText(task.caught)}`}>
                      caught
                    </span>
                  )}
                </button>
                <div className="gantt__track">
                  {marks.map((t) => (
                    <span key={t} className="gantt__grid" style={{ left: `${(t / scale.span) * 100}%` }} />
                  ))}
                  <Bars task={task} list={bars(task, scale, now)} />
                </div>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
