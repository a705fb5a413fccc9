import './mlflow.css';
import { useIsFetching, useQuery, useQueryClient } from '@tanstack/react-query';
import { ErrorPanel } from '../ui/ErrorPanel.js';
import { Loading } from '../ui/Loading.js';
import type { SectionProps } from '../workspaces/section.js';
import { CompareView } from './runs/CompareView.js';
import { ExperimentsView } from './ExperimentsView.js';
import { ExperimentTabs } from './ExperimentTabs.js';
import type { ExperimentTab, MlflowLocation } from './location.js';
import { MlflowBreadcrumb } from './MlflowBreadcrumb.js';
import { isMlflowKey, statusQuery } from './queries.js';
import { MlflowRunsView } from './runs/MlflowRunsView.js';
import { MlflowRunView } from './runs/MlflowRunView.js';
import { PromptsView } from './prompts/PromptsView.js';
import { PromptView } from './prompts/PromptView.js';
import { TokensView } from './tokens/TokensView.js';
import { TraceView } from './traces/TraceView.js';
import { TracesView } from './traces/TracesView.js';

function ExperimentBody({ workspaceId, experimentId, tab, go, onEditWorkspace }: { workspaceId: string; experimentId: string; tab: ExperimentTab; go: (l: MlflowLocation) => void; onEditWorkspace?: () => void }) {
  const openTrace = (traceId: string) => go({ kind: 'trace', experimentId, traceId, from: tab });
  return (
    <>
      <ExperimentTabs tab={tab} onTab={(t) => go({ kind: 'experiment', experimentId, tab: t })} />
      {tab === 'runs' && (
        <MlflowRunsView
          workspaceId={workspaceId}
          experimentId={experimentId}
          onOpen={(run) => go({ kind: 'run', experimentId, runId: run.runId })}
          onCompare={(runIds) => go({ kind: 'compare', experimentId, runIds })}
          onEditWorkspace={onEditWorkspace}
        />
      )}
      {tab === 'traces' && <TracesView workspaceId={workspaceId} experimentId={experimentId} onOpen={openTrace} onEditWorkspace={onEditWorkspace} />}
      {tab === 'tokens' && <TokensView workspaceId={workspaceId} experimentId={experimentId} onOpenTrace={openTrace} />}
      {tab === 'prompts' && <PromptsView workspaceId={workspaceId} experimentId={experimentId} onOpen={(promptKey, version) => go({ kind: 'prompt', experimentId, promptKey, version })} />}
    </>
  );
}

interface Props extends SectionProps {
  /** Where the section is (from the route). */
  location: MlflowLocation;
  onNavigate: (to: MlflowLocation, options?: { replace?: boolean }) => void;
}

/** The workspace's MLflow tracking store: experiments → runs / traces / tokens / prompts → run, comparison, prompt or trace. */
export function MlflowBrowser({ workspace, onEditWorkspace, location, onNavigate: setLocation }: Props) {
  const queryClient = useQueryClient();
  const status = useQuery(statusQuery(workspace.id));
  const ownData = { predicate: (q: { queryKey: readonly unknown[] }) => isMlflowKey(q.queryKey, workspace.id) };
  const fetching = useIsFetching(ownData) > 0;
  const workspaceId = workspace.id;

  let view;
  let fill = false;
  if (location.kind === 'experiments') view = <ExperimentsView workspaceId={workspaceId} onOpen={(experiment) => setLocation({ kind: 'experiment', experimentId: experiment.id, tab: 'runs' })} onEditWorkspace={onEditWorkspace} />;
  else if (location.kind === 'experiment') {
    fill = location.tab !== 'tokens' && location.tab !== 'prompts';
    view = <ExperimentBody workspaceId={workspaceId} experimentId={location.experimentId} tab={location.tab} go={setLocation} onEditWorkspace={onEditWorkspace} />;
  } else if (location.kind === 'run') {
    const { experimentId } = location;
    view = <MlflowRunView key={location.runId} workspaceId={workspaceId} runId={location.runId} onOpenRun={(runId) => setLocation({ kind: 'run', experimentId, runId })} onOpenTrace={(traceId) => setLocation({ kind: 'trace', experimentId, traceId, from: 'runs' })} onEditWorkspace={onEditWorkspace} />;
  } else if (location.kind === 'compare') {
    const { experimentId } = location;
    view = <CompareView workspaceId={workspaceId} runIds={location.runIds} onOpenRun={(runId) => setLocation({ kind: 'run', experimentId, runId })} />;
  } else if (location.kind === 'prompt') {
    const prompt = location;
    view = (
      <PromptView
        workspaceId={workspaceId}
        experimentId={prompt.experimentId}
        promptKey={prompt.promptKey}
        version={prompt.version}
        onVersion={(version) => setLocation({ ...prompt, version }, { replace: true })}
        onOpenTrace={(traceId) => setLocation({ kind: 'trace', experimentId: prompt.experimentId, traceId, from: 'prompts' })}
      />
    );
  } else {
    fill = true;
    const trace = location;
    // Picking a span is looking inside the trace, not a step: it replaces the address rather than adding one.
    view = (
      <TraceView
        key={trace.traceId}
        workspaceId={workspaceId}
        traceId={trace.traceId}
        spanId={trace.spanId}
        onSpan={(spanId) => setLocation({ ...trace, spanId }, { replace: true })}
        onEditWorkspace={onEditWorkspace}
      />
    );
  }

  let body;
  if (status.isPending) body = <Loading label="Opening the MLflow tracking store…" />;
  else if (status.isError) body = <ErrorPanel error={status.error} onRetry={() => void status.refetch()} retrying={status.isFetching} onEditWorkspace={onEditWorkspace} />;
  else if (!status.data.configured)
    body = (
      <div className="note note--info" data-testid="mlflow-not-configured">
        This workspace has no MLflow tracking URI.{' '}
        {onEditWorkspace ? (
          <button type="button" className="link-button" onClick={onEditWorkspace}>
            Edit the workspace
          </button>
        ) : (
          'Save the workspace and edit it'
        )}{' '}
        to add one (for example <code>sqlite:///path/to/mlflow.db</code>).
      </div>
    );
  else body = view;

  return (
    <>
      <div className="browser__toolbar">
        <MlflowBreadcrumb workspaceId={workspaceId} location={location} onNavigate={setLocation} />
        <button type="button" className="button button--quiet" onClick={() => void queryClient.invalidateQueries(ownData)} disabled={fetching} title="Read this view again from the tracking store">
          Refresh
        </button>
      </div>
      <main className={`listing ml-listing${fill && status.data?.configured ? ' listing--fill' : ''}`} data-testid="mlflow-listing">
        {body}
      </main>
    </>
  );
}
