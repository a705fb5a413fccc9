import { useState } from 'react';
import type { WorkspaceInfo } from '../../shared/contract.js';
import { WorkspaceFormPage, type FormStart } from './workspaces/WorkspaceFormPage.js';
import { WorkspacesPage } from './workspaces/WorkspacesPage.js';
import { WorkspaceView } from './workspaces/WorkspaceView.js';

type Screen = { name: 'workspaces' } | { name: 'form'; start: FormStart } | { name: 'browse'; workspace: WorkspaceInfo };

/** Workspaces first; a form to create or edit one; browsing once one is open. */
export function App() {
  const [screen, setScreen] = useState<Screen>({ name: 'workspaces' });
  const showWorkspaces = () => setScreen({ name: 'workspaces' });
  const browse = (workspace: WorkspaceInfo) => setScreen({ name: 'browse', workspace });
  const edit = (id: string) => setScreen({ name: 'form', start: { kind: 'edit', id } });

  switch (screen.name) {
    case 'workspaces':
      return (
        <WorkspacesPage
          onConnected={browse}
          onNew={() => setScreen({ name: 'form', start: { kind: 'new' } })}
          onEdit={edit}
          onImport={(candidate) => setScreen({ name: 'form', start: { kind: 'import', candidate } })}
        />
      );
    case 'form':
      return <WorkspaceFormPage start={screen.start} onDone={showWorkspaces} onConnected={browse} />;
    case 'browse':
      // Keyed by the open workspace so a switch starts again at its flows.
      return (
        <WorkspaceView
          key={screen.workspace.id}
          workspace={screen.workspace}
          onWorkspaces={showWorkspaces}
          onConnected={browse}
          onEdit={edit}
        />
      );
  }
}
