import type { ReactNode } from 'react';
import type { WorkspaceInfo } from '../../../shared/contract.js';
import { CopyLinkButton } from '../routing/CopyLinkButton.js';
import { AppHeader } from '../ui/AppHeader.js';

interface Props {
  workspace: WorkspaceInfo;
  /** The control that switches to another saved workspace. */
  switcher: ReactNode;
  onWorkspaces: () => void;
}

/** Which datastore is open, and how (and as whom) Stratus authenticated to it. */
export function WorkspaceHeader({ workspace, switcher, onWorkspaces }: Props) {
  return (
    <>
      <AppHeader>
        {workspace.name && (
          <span className="app-header__name" data-testid="workspace-name">
            {workspace.name}
          </span>
        )}
        <span className="app-header__spacer" />
        <CopyLinkButton />
        {switcher}
        <button type="button" className="button" onClick={onWorkspaces}>
          Workspaces
        </button>
      </AppHeader>
      {/* A row of its own: sysroots, endpoints and principals are long, and all three matter. */}
      <dl className="workspace-bar" aria-label="Workspace">
        <div className="workspace-bar__sysroot">
          <dt>{workspace.kind === 'local' ? 'Folder' : 'Sysroot'}</dt>
          <dd className="mono" data-testid="workspace-sysroot" title={workspace.sysroot}>
            {workspace.sysroot}
          </dd>
        </div>
        {workspace.kind === 'azure' && (
          <div>
            <dt>Endpoint</dt>
            <dd className="mono" title={workspace.endpoint}>
              {workspace.endpoint}
            </dd>
          </div>
        )}
        <div>
          <dt>Auth</dt>
          <dd data-testid="workspace-auth">
            <span className="badge">{workspace.authMethod}</span>
            {workspace.principal && <span className="workspace-bar__principal"> as {workspace.principal}</span>}
          </dd>
        </div>
      </dl>
    </>
  );
}
