import { useState } from 'react';
import type { WorkspaceInfo, WorkspaceInput } from '../../shared/contract.js';
import { MetaflowBrowser } from './browse/MetaflowBrowser.js';
import { ConnectPage } from './connect/ConnectPage.js';

type Previous = Pick<WorkspaceInput, 'sysroot' | 'endpoint'>;

/** Connect first; browse once a workspace is open; "Switch workspace" returns to the form. */
export function App() {
  const [workspace, setWorkspace] = useState<WorkspaceInfo>();
  const [previous, setPrevious] = useState<Previous>();

  if (workspace) return <MetaflowBrowser key={workspace.id} workspace={workspace} onSwitch={() => setWorkspace(undefined)} />;
  return (
    <ConnectPage
      previous={previous}
      onConnected={(opened, input) => {
        setPrevious({ sysroot: input.sysroot, endpoint: input.endpoint });
        setWorkspace(opened);
      }}
    />
  );
}
