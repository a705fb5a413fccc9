import './run.css';
import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useCallback, useMemo, useState } from 'react';
import { MAX_VISIBLE_TASKS } from '../../../../shared/channels/metaflow.js';
import { call } from '../../api/client.js';
import { formatCount, plural } from '../../format.js';
import { runQuery, type RunRef } from '../queries.js';
import { useTellVisible } from '../useTellVisible.js';
import { ErrorPanel } from '../../ui/ErrorPanel.js';
import { Loading } from '../../ui/Loading.js';
import { ParametersPanel } from './ParametersPanel.js';
import { RunHeader } from './RunHeader.js';
import { FailureNote, ResumeNote } from './RunNotes.js';
import { stepMarks } from './step-marks.js';
import { RunTagEditor } from './RunTagEditor.js';
import { StepTasks } from './StepTasks.js';
import { Timeline } from './Timeline.js';

/** Metaflow's pseudo step and task that store a run's Parameters as artifacts. */
const PARAMETERS_STEP = '_parameters';
const PARAMETERS_TASK = '0';

// dagre is most of a chunk of its own: it loads with the first run view, not with the app.
const DagView = lazy(() => import('./DagView.js').then((m) => ({ default: m.DagView })));

interface Props {
  run: RunRef;
  /** The step picked in the DAG (its tasks are listed). */
  step?: string;
  onStep: (step: string) => void;
  onTask: (step: string, task: string) => void;
  /** Another run of the same flow (the run a resumed run started from). */
  onOpenRun?: (run: string) => void;
  onEditWorkspace?: () => void;
}

/** The `_parameters` pseudo step (back from its task in the breadcrumb): its one task. */
function ParametersTask({ onOpen }: { onOpen: () => void }) {
  return (
    <section className="panel run-panel" data-testid="step-tasks">
      <div className="run-panel__head">
        <h3 className="run-panel__title">
          Tasks of <span className="mono">{PARAMETERS_STEP}</span>
        </h3>
      </div>
      <p className="empty">Not a step of the flow: Metaflow keeps the run’s Parameters here, as artifacts.</p>
      <div className="task-list__item task-list__item--static">
        <button type="button" className="task-list__open" aria-label={PARAMETERS_TASK} onClick={onOpen} data-testid="task-entry">
          <span className="task-list__id mono">{PARAMETERS_TASK}</span>
          <span className="badge">parameters</span>
          <span className="entry__chevron" aria-hidden="true">
            ›
          </span>
        </button>
      </div>
    </section>
  );
}

/** One run: status and times, its DAG, a timeline of its tasks, its parameters, and the tasks of a chosen step. */
export function MetaflowRunView({ run, step, onStep, onTask, onOpenRun, onEditWorkspace }: Props) {
  const detail = useQuery(runQuery(run));
  const marks = useMemo(() => stepMarks(detail.data?.tasks ?? []), [detail.data]);
  const stepTasks = useMemo(() => (detail.data && step ? detail.data.tasks.filter((t) => t.step === step) : []), [detail.data, step]);
  // While task statuses are read, main reads the step's tasks in view first: tell it which (of those unread) they are.
  const [visible, setVisible] = useState<string[]>([]);
  const unread = useMemo(() => new Set(stepTasks.filter((t) => t.listedOnly).map((t) => t.id)), [stepTasks]);
  const waiting = detail.data?.taskStatuses ? visible.filter((id) => unread.has(id)).slice(0, MAX_VISIBLE_TASKS) : [];
  const tellVisible = useCallback(
    (ids: string[]) => {
      if (step === undefined) return;
      const tasks = ids.map((task) => ({ step, task }));
      void call('metaflow.tasksVisible', { workspaceId: run.workspaceId, flow: run.flow, run: run.run, tasks }).catch(() => undefined);
    },
    [run.workspaceId, run.flow, run.run, step],
  );
  useTellVisible(waiting, tellVisible);

  if (detail.isPending) return <Loading label="Reading the run…" />;
  if (detail.isError) {
    return <ErrorPanel error={detail.error} onRetry={() => void detail.refetch()} retrying={detail.isFetching} onEditWorkspace={onEditWorkspace} />;
  }
  const data = detail.data;
  return (
    <div className="run-view" data-testid="run-view">
      <RunHeader summary={data.summary} />
      {data.summary.lastHeartbeatAt !== undefined && <RunTagEditor run={run} summary={data.summary} />}
      {data.problems.length > 0 && (
        <ul className="warnings run-view__problems" data-testid="run-problems">
          {data.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      {data.taskStatuses && (
        <p className="note note--info" data-testid="task-statuses-partial">
          {data.taskStatuses.stalled ??
            `Reading task statuses: ${formatCount(data.taskStatuses.known)} of ${plural(data.taskStatuses.total, 'task')} so far; the run's status follows.`}
        </p>
      )}
      <FailureNote detail={data} onOpenTask={onTask} />
      <ResumeNote detail={data} onOpenRun={onOpenRun} />
      <div className="run-view__top">
        <section className="panel run-panel run-view__dag" aria-labelledby="dag-title">
          <div className="run-panel__head">
            <h3 id="dag-title" className="run-panel__title">
              DAG
            </h3>
            <span className="muted">{plural(data.steps.length, 'step')}</span>
          </div>
          <Suspense fallback={<Loading label="Drawing the DAG…" />}>
            <DagView steps={data.steps} selected={step} onSelect={onStep} marks={marks} />
          </Suspense>
        </section>
        <div className="run-view__side">
          {step === PARAMETERS_STEP ? (
            <ParametersTask onOpen={() => onTask(PARAMETERS_STEP, PARAMETERS_TASK)} />
          ) : (
            <StepTasks
              step={data.steps.find((s) => s.name === step)}
              stepName={step}
              tasks={stepTasks}
              onOpen={(task) => step && onTask(step, task)}
              onVisible={setVisible}
            />
          )}
          <ParametersPanel parameters={data.parameters} onOpenTask={() => onTask(PARAMETERS_STEP, PARAMETERS_TASK)} />
        </div>
      </div>
      <section className="panel run-panel" aria-labelledby="timeline-title">
        <div className="run-panel__head">
          <h3 id="timeline-title" className="run-panel__title">
            Timeline
          </h3>
          <span className="muted">{plural(data.tasks.length, 'task')}</span>
        </div>
        <Timeline tasks={data.tasks} onOpenTask={onTask} />
      </section>
    </div>
  );
}
