import '../metaflow.css';
import './browse.css';
import { useIsFetching, useQueryClient } from '@tanstack/react-query';
import type { MetaflowPlace } from '../../../../shared/routing/route.js';
import { useRunsChanged } from '../useRunsChanged.js';
import { MetaflowRunView } from '../run/MetaflowRunView.js';
import { MetaflowRunsView } from '../runs/MetaflowRunsView.js';
import { TaskView } from '../task/TaskView.js';
import type { SectionProps } from '../../workspaces/section.js';
import { Breadcrumb } from './Breadcrumb.js';
import { FlowsView } from './FlowsView.js';

/** Whether a react-query key belongs to this workspace's Metaflow data (see metaflow/queries.ts). */
function isWorkspaceData(key: readonly unknown[], workspaceId: string): boolean {
  return typeof key[0] === 'string' && key[0].startsWith('metaflow.') && key[1] === workspaceId;
}

interface Props extends SectionProps {
  /** Where the section is (from the route). */
  location: MetaflowPlace;
  onNavigate: (to: MetaflowPlace) => void;
}

/** The open workspace: flows → runs → run (DAG, timeline) → task (artifacts, logs, cards). */
export function MetaflowBrowser({ workspace, onEditWorkspace, location, onNavigate: setLocation }: Props) {
  const queryClient = useQueryClient();
  useRunsChanged(workspace.id);
  const ownData = { predicate: (q: { queryKey: readonly unknown[] }) => isWorkspaceData(q.queryKey, workspace.id) };
  // Followed logs reload every 2 s; that is not a refresh in progress.
  const fetching = useIsFetching({ predicate: (q) => ownData.predicate(q) && q.queryKey[0] !== 'metaflow.logs' }) > 0;
  const { flow, run, step, task } = location;

  let view;
  let fill = false;
  if (flow === undefined) {
    view = <FlowsView workspaceId={workspace.id} onOpen={(name) => setLocation({ flow: name })} onEditWorkspace={onEditWorkspace} />;
  } else if (run === undefined) {
    fill = true;
    view = <MetaflowRunsView workspaceId={workspace.id} flow={flow} onOpen={(id) => setLocation({ flow, run: id })} onEditWorkspace={onEditWorkspace} />;
  } else if (step === undefined || task === undefined) {
    view = (
      <MetaflowRunView
        run={{ workspaceId: workspace.id, flow, run }}
        step={step}
        onStep={(name) => setLocation({ flow, run, step: name })}
        onTask={(s, t) => setLocation({ flow, run, step: s, task: t })}
        onOpenRun={(id) => setLocation({ flow, run: id })}
        onEditWorkspace={onEditWorkspace}
      />
    );
  } else {
    fill = true;
    view = (
      <TaskView
        key={`${run}/${step}/${task}`}
        task={{ workspaceId: workspace.id, flow, run, step, task }}
        pane={location}
        onPane={(pane) => setLocation({ flow, run, step, task, ...pane })}
        onEditWorkspace={onEditWorkspace}
      />
    );
  }

  return (
    <>
      <div className="browser__toolbar">
        <Breadcrumb location={location} onNavigate={setLocation} />
        <button
          type="button"
          className="button button--quiet"
          onClick={() => void queryClient.invalidateQueries(ownData)}
          disabled={fetching}
          title="Reload what this view shows from storage"
        >
          Refresh
        </button>
      </div>
      <main className={`listing${fill ? ' listing--fill' : ''}`} data-testid="listing">
        {view}
      </main>
    </>
  );
}
