import './workspaces.css';
import { useQuery } from '@tanstack/react-query';
import type { ImportedWorkspace, WorkspaceInfo } from '../../../shared/contract.js';
import { AppHeader } from '../ui/AppHeader.js';
import { ErrorPanel } from '../ui/ErrorPanel.js';
import { Loading } from '../ui/Loading.js';
import { ImportList } from './ImportList.js';
import { savedWorkspacesQuery } from './queries.js';
import { SampleOffer } from './SampleOffer.js';
import { SavedWorkspaceItem } from './SavedWorkspaceItem.js';

interface Props {
  onConnected: (workspace: WorkspaceInfo) => void;
  onNew: () => void;
  onEdit: (id: string) => void;
  onImport: (candidate: ImportedWorkspace) => void;
}

/** The start screen: saved workspaces to connect to, and what can be imported from Metaflow's settings. */
export function WorkspacesPage({ onConnected, onNew, onEdit, onImport }: Props) {
  const list = useQuery(savedWorkspacesQuery);

  function saved() {
    if (list.isPending) return <Loading label="Reading saved workspaces…" />;
    if (!list.data) return <ErrorPanel error={list.error} onRetry={() => void list.refetch()} retrying={list.isFetching} />;
    if (list.data.workspaces.length === 0) {
      return <SampleOffer onConnected={onConnected} />;
    }
    return (
      <ul className="cards" aria-label="Saved workspaces">
        {list.data.workspaces.map((workspace) => (
          <SavedWorkspaceItem key={workspace.id} workspace={workspace} onConnected={onConnected} onEdit={() => onEdit(workspace.id)} />
        ))}
      </ul>
    );
  }

  return (
    <div className="screen">
      <AppHeader />
      <main className="workspaces">
        <section aria-labelledby="saved-heading">
          <div className="workspaces__head">
            <h1 id="saved-heading" className="workspaces__title">
              Workspaces
            </h1>
            <button type="button" className="button button--primary" onClick={onNew}>
              New workspace
            </button>
          </div>
          {list.data?.secretsPersisted === false && (
            <p className="note" data-testid="secrets-note">
              Browser mode keeps secrets in memory only: connection strings, account keys and SAS saved here are gone when
              this Stratus host stops.
            </p>
          )}
          {saved()}
        </section>
        <section aria-labelledby="import-heading">
          <div className="workspaces__head">
            <h2 id="import-heading" className="workspaces__title">
              Import
            </h2>
          </div>
          <p className="workspaces__help">
            From the Stratus process’s environment and your Metaflow config profiles (<code>$METAFLOW_HOME</code> or{' '}
            <code>~/.metaflowconfig</code>).
          </p>
          <ImportList onUse={onImport} />
        </section>
      </main>
    </div>
  );
}
