import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { LifecycleView } from '../../../shared/schemas/mlflow.js';
import { formatTime, isoTime } from '../format.js';
import { ErrorPanel } from '../ui/ErrorPanel.js';
import { Loading } from '../ui/Loading.js';
import { LifecycleToggle } from './LifecycleToggle.js';
import type { ExperimentRef } from './location.js';
import { experimentsQuery } from './queries.js';
import { displayName } from '../../../shared/display-name.js';

interface Props {
  workspaceId: string;
  onOpen: (experiment: ExperimentRef) => void;
  onEditWorkspace?: () => void;
}

/** The tracking store's experiments, active by default as in MLflow. */
export function ExperimentsView({ workspaceId, onOpen, onEditWorkspace }: Props) {
  const [view, setView] = useState<LifecycleView>('active');
  const query = useQuery(experimentsQuery(workspaceId, view));

  return (
    <section className="ml-panel">
      <div className="ml-toolbar">
        <h2 className="ml-title">Experiments</h2>
        <LifecycleToggle label="Experiments to show" value={view} onChange={setView} />
        {query.data && <span className="muted" data-testid="mlflow-source">{query.data.source.uri}</span>}
      </div>
      {query.isPending && <Loading label="Reading experiments…" />}
      {query.isError && <ErrorPanel error={query.error} onRetry={() => void query.refetch()} retrying={query.isFetching} onEditWorkspace={onEditWorkspace} />}
      {query.data && query.data.experiments.length === 0 && <p className="empty">No {view === 'all' ? '' : `${view} `}experiments: <code>mlflow.set_experiment(name)</code> in your code creates one here.</p>}
      {query.data && query.data.experiments.length > 0 && (
        <table className="ml-table" data-testid="experiments-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>ID</th>
              <th>Stage</th>
              <th>Created</th>
              <th>Last update</th>
              <th>Artifact location</th>
            </tr>
          </thead>
          <tbody>
            {query.data.experiments.map((e) => (
              <tr key={e.experimentId} data-testid="experiment-row" className={e.lifecycleStage === 'deleted' ? 'ml-row--deleted' : undefined}>
                <td>
                  <button type="button" className="link-button" onClick={() => onOpen({ id: e.experimentId, name: e.name })}>
                    {displayName(e.name)}
                  </button>
                </td>
                <td className="ml-mono">{e.experimentId}</td>
                <td>{e.lifecycleStage === 'deleted' ? <span className="tag tag--quiet">deleted</span> : 'active'}</td>
                <td title={isoTime(e.creationTime)}>{formatTime(e.creationTime)}</td>
                <td title={isoTime(e.lastUpdateTime)}>{formatTime(e.lastUpdateTime)}</td>
                <td className="ml-mono ml-ellipsis" title={e.artifactLocation ?? undefined}>
                  {e.artifactLocation ?? <span className="muted">—</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
