import './workspaces.css';
import { useQuery } from '@tanstack/react-query';
import type { ImportedWorkspace, WorkspaceInfo } from '../../../shared/contract.js';
import { AppHeader } from '../ui/AppHeader.js';
import { ErrorPanel } from '../ui/ErrorPanel.js';
import { Loading } from '../ui/Loading.js';
import { draftFromDefaults, draftFromImport, draftFromSaved } from './draft.js';
import { sourceLabel } from './ImportList.js';
import { defaultsQuery, savedWorkspacesQuery } from './queries.js';
import { WorkspaceForm } from './WorkspaceForm.js';

export type FormStart = { kind: 'new' } | { kind: 'import'; candidate: ImportedWorkspace } | { kind: 'edit'; id: string };

interface Props {
  start: FormStart;
  onDone: () => void;
  onConnected: (workspace: WorkspaceInfo) => void;
}

/** Loads what the form starts from (main's defaults, the saved workspace), then shows it. */
export function WorkspaceFormPage({ start, onDone, onConnected }: Props) {
  const defaults = useQuery(defaultsQuery);
  const list = useQuery(savedWorkspacesQuery);

  function body() {
    if (defaults.isPending || list.isPending) return <Loading label="Reading workspaces…" />;
    // A failed background refetch keeps the data it had; only a first load that failed stops the form.
    if (!list.data) return <ErrorPanel error={list.error} onRetry={() => void list.refetch()} retrying={list.isFetching} />;
    const editing = start.kind === 'edit' ? list.data.workspaces.find((w) => w.id === start.id) : undefined;
    if (start.kind === 'edit' && !editing) return <ErrorPanel error={new Error('That saved workspace no longer exists.')} />;
    const values = defaults.data ?? {};
    const initial = editing
      ? draftFromSaved(editing.config)
      : start.kind === 'import'
        ? draftFromImport(start.candidate)
        : draftFromDefaults(values);
    const title = editing
      ? `Edit “${editing.config.name}”`
      : start.kind === 'import'
        ? `New workspace from ${sourceLabel(start.candidate.source)}`
        : 'New workspace';
    return (
      <>
        {defaults.isError && <ErrorPanel error={defaults.error} onRetry={() => void defaults.refetch()} />}
        {/* Remount when defaults arrive late (after a retry) so the prefill applies. */}
        <WorkspaceForm
          key={defaults.dataUpdatedAt}
          title={title}
          initial={initial}
          editing={editing}
          defaults={values}
          secretsPersisted={list.data.secretsPersisted}
          onCancel={onDone}
          onSaved={onDone}
          onConnected={onConnected}
        />
      </>
    );
  }

  return (
    <div className="screen">
      <AppHeader>
        <button type="button" className="button button--quiet" onClick={onDone}>
          <span aria-hidden="true">‹ </span>Workspaces
        </button>
      </AppHeader>
      {body()}
    </div>
  );
}
