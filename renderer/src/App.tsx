import { useCallback, useEffect, useState } from 'react';
import type { WorkspaceInfo } from '../../shared/contract.js';
import type { ImportedWorkspace } from '../../shared/schemas/workspace.js';
import { parseRoute, sectionRoot, WORKSPACES } from '../../shared/routing/route.js';
import { getApi } from './api/client.js';
import { navigate, useRoute } from './routing/history.js';
import { NotFound } from './routing/NotFound.js';
import { OpenWorkspace } from './routing/OpenWorkspace.js';
import { WorkspaceFormPage } from './workspaces/WorkspaceFormPage.js';
import { WorkspacesPage } from './workspaces/WorkspacesPage.js';
import { WorkspaceView } from './workspaces/WorkspaceView.js';

/** How a route names a workspace: by its saved id, so a link survives reconnecting; else by its session id. */
export function workspaceRef(workspace: WorkspaceInfo): string {
  return workspace.savedId ?? workspace.id;
}

/** Workspaces first; a form to create or edit one; browsing once one is open. Where the window is lives in the URL. */
export function App() {
  const route = useRoute();
  const [open, setOpen] = useState<WorkspaceInfo>();
  // An import candidate is no address: the form opened from one keeps it here, and a reload starts a blank form.
  const [candidate, setCandidate] = useState<ImportedWorkspace>();
  const showWorkspaces = useCallback(() => navigate(WORKSPACES), []);
  // One parameter only: it is handed to react-query's onSuccess, which passes more.
  const browse = useCallback((workspace: WorkspaceInfo) => {
    setOpen(workspace);
    navigate({ name: 'workspace', workspaceId: workspaceRef(workspace), at: sectionRoot('metaflow') });
  }, []);
  const edit = useCallback((id: string) => navigate({ name: 'edit', id }), []);

  // An address typed or pasted in a short form ('#/w/<id>') is written back in full, in place, so the
  // address bar and "Copy link" show the one form each view has.
  useEffect(() => {
    if (route.name !== 'notFound') navigate(route, { replace: true });
  }, [route]);

  // The desktop shell routes the window to a stratus:// link the OS opened; it checked the link already,
  // and it is checked again here like any address.
  useEffect(
    () =>
      getApi().on('link.open', ({ address }) => {
        const linked = parseRoute(address);
        if (linked.name !== 'notFound') navigate(linked);
      }),
    [],
  );

  switch (route.name) {
    case 'workspaces':
      return (
        <WorkspacesPage
          onConnected={browse}
          onNew={() => {
            setCandidate(undefined);
            navigate({ name: 'new' });
          }}
          onEdit={edit}
          onImport={(imported) => {
            setCandidate(imported);
            navigate({ name: 'new' });
          }}
        />
      );
    case 'new':
      return (
        <WorkspaceFormPage
          key={candidate ? 'import' : 'new'}
          start={candidate ? { kind: 'import', candidate } : { kind: 'new' }}
          onDone={showWorkspaces}
          onConnected={browse}
        />
      );
    case 'edit':
      return <WorkspaceFormPage key={route.id} start={{ kind: 'edit', id: route.id }} onDone={showWorkspaces} onConnected={browse} />;
    case 'workspace': {
      const { workspaceId, at } = route;
      if (open === undefined || workspaceRef(open) !== workspaceId) {
        return <OpenWorkspace key={workspaceId} id={workspaceId} onOpened={setOpen} onWorkspaces={showWorkspaces} onEdit={edit} />;
      }
      // Keyed by the open workspace so a switch starts again at its flows.
      return (
        <WorkspaceView
          key={open.id}
          workspace={open}
          workspaceRef={workspaceId}
          at={at}
          go={(next, options) => navigate({ name: 'workspace', workspaceId, at: next }, options)}
          onWorkspaces={showWorkspaces}
          onConnected={browse}
          onEdit={edit}
        />
      );
    }
    case 'notFound':
      return <NotFound address={route.path} onWorkspaces={showWorkspaces} />;
  }
}
