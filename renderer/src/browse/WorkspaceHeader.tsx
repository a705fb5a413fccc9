import type { WorkspaceInfo } from '../../../shared/contract.js';

interface Props {
  workspace: WorkspaceInfo;
  onSwitch: () => void;
}

/** Which datastore is open, and how Stratus authenticated to it. */
export function WorkspaceHeader({ workspace, onSwitch }: Props) {
  return (
    <header className="app-header">
      <span className="app-header__brand">Stratus</span>
      <dl className="app-header__workspace" aria-label="Workspace">
        <div>
          <dt>Sysroot</dt>
          <dd className="mono" data-testid="workspace-sysroot">{workspace.sysroot}</dd>
        </div>
        <div>
          <dt>Endpoint</dt>
          <dd className="mono">{workspace.endpoint}</dd>
        </div>
        <div>
          <dt>Auth</dt>
          <dd>
            <span className="badge">{workspace.authMethod}</span>
          </dd>
        </div>
      </dl>
      <button type="button" className="button" onClick={onSwitch}>
        Switch workspace
      </button>
    </header>
  );
}
