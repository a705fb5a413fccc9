import './task.css';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { TaskTab } from '../../../../shared/routing/route.js';
import { formatTime, plural } from '../../format.js';
import { taskQuery, type TaskRef } from '../queries.js';
import { ErrorPanel } from '../../ui/ErrorPanel.js';
import { Loading } from '../../ui/Loading.js';
import { StatusBadge } from '../../ui/StatusBadge.js';
import { ArtifactsPane } from './ArtifactsPane.js';
import { AttemptPicker } from './AttemptPicker.js';
import { CardsPane } from './CardsPane.js';
import { LogView } from './LogView.js';
import { TaskExceptionNote } from './TaskExceptionNote.js';
import { heartbeatText, taskBadgeStatus } from '../run/task-liveness.js';
import { displayName } from '../../../../shared/display-name.js';

type Tab = TaskTab;

/** What is open in the task: an attempt other than the latest, a tab other than artifacts, the artifact previewed. */
export interface TaskPane {
  attempt?: number;
  tab?: TaskTab;
  artifact?: string;
}

interface Props {
  /** The task; its attempt is picked here. */
  task: Omit<TaskRef, 'attempt'>;
  pane: TaskPane;
  onPane: (pane: TaskPane) => void;
  onEditWorkspace?: () => void;
}

/** One task: its attempts, and for the picked one its artifacts (with previews), logs and cards. */
export function TaskView({ task, pane, onPane, onEditWorkspace }: Props) {
  const { attempt, artifact } = pane;
  const tab = pane.tab ?? 'artifacts';
  const setAttempt = (picked: number) => onPane({ ...pane, attempt: picked });
  const setTab = (picked: Tab) => onPane({ attempt, tab: picked, artifact: picked === 'artifacts' ? artifact : undefined });
  const detail = useQuery({ ...taskQuery({ ...task, attempt }), placeholderData: keepPreviousData });

  if (detail.isPending) return <Loading label="Reading the task…" />;
  if (detail.isError) {
    return <ErrorPanel error={detail.error} onRetry={() => void detail.refetch()} retrying={detail.isFetching} onEditWorkspace={onEditWorkspace} />;
  }
  const data = detail.data;
  // Everything below reads the attempt main resolved, so "latest" and its number share cache entries' meaning.
  const resolved: TaskRef = { ...task, attempt: data.attempt };
  const tabs: { id: Tab; label: string }[] = [
    { id: 'artifacts', label: `Artifacts (${data.artifacts.length})` },
    { id: 'logs', label: 'Logs' },
    { id: 'cards', label: `Cards (${data.cards.length})` },
  ];

  return (
    <div className="task-view" data-testid="task-view">
      <div className="task-header">
        <h2 className="run-header__title">
          <span className="muted">{displayName(task.step)}/</span>
          <span className="mono">{displayName(task.task)}</span>
        </h2>
        <StatusBadge status={taskBadgeStatus(data.task)} testId="task-status" title={heartbeatText(data.task)} />
        {data.task.cloned && <span className="tag tag--quiet" title="Cloned by resume from an earlier run">cloned</span>}
        {data.task.caught && <span className="tag tag--warning">caught</span>}
        <span className="muted">{plural(data.task.attempts.length, 'attempt')}</span>
        {data.task.lastHeartbeatAt !== undefined && (
          <span className="muted" data-testid="task-heartbeat">
            {data.task.lastHeartbeatAt === null ? 'no heartbeat' : `heartbeat ${formatTime(data.task.lastHeartbeatAt)}`}
          </span>
        )}
        {detail.isFetching && <span className="spinner" aria-label="Loading attempt" />}
      </div>
      <TaskExceptionNote task={data.task} attempt={data.attempt} />
      {data.task.attempts.length > 0 && <AttemptPicker attempts={data.task.attempts} current={attempt ?? data.attempt} onPick={setAttempt} stale={data.task.stale} />}
      <div className="tabs" role="tablist" aria-label="Task">
        {tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`panel-${t.id}`}
            className={`tabs__tab${tab === t.id ? ' tabs__tab--on' : ''}`}
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div className="task-view__panel" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'artifacts' && <ArtifactsPane task={resolved} detail={data} picked={artifact} onPick={(name) => onPane({ attempt, artifact: name })} />}
        {tab === 'logs' && <LogView task={resolved} cloned={data.task.cloned} />}
        {tab === 'cards' && <CardsPane task={resolved} cards={data.cards} />}
      </div>
    </div>
  );
}
