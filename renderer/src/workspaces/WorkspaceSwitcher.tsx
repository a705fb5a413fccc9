import { useQuery } from '@tanstack/react-query';
import type { WorkspaceInfo } from '../../../shared/contract.js';
import { savedWorkspacesQuery } from './queries.js';

interface Props {
  current: WorkspaceInfo;
  switching: boolean;
  onSwitch: (savedId: string) => void;
}

/** Connects straight to another saved workspace, without going back to the list. */
export function WorkspaceSwitcher({ current, switching, onSwitch }: Props) {
  const list = useQuery(savedWorkspacesQuery);
  return (
    <label className="switcher">
      <span className="switcher__label">{switching ? 'Switching…' : 'Switch'}</span>
      <select
        className="input switcher__select"
        aria-label="Switch workspace"
        value={current.savedId ?? ''}
        disabled={switching || !list.data}
        onChange={(e) => {
          if (e.target.value !== '') onSwitch(e.target.value);
        }}
      >
        {current.savedId === undefined && <option value="">Unsaved workspace</option>}
        {list.data?.workspaces.map((workspace) => (
          <option key={workspace.id} value={workspace.id}>
            {workspace.config.name}
          </option>
        ))}
      </select>
    </label>
  );
}
