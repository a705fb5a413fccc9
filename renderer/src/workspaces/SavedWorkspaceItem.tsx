import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { SavedWorkspace, WorkspaceInfo } from '../../../shared/contract.js';
import { call } from '../api/client.js';
import { ErrorPanel } from '../ui/ErrorPanel.js';
import { Loading } from '../ui/Loading.js';
import { describeAuth, secretMissing } from './auth.js';
import { savedWorkspacesQuery } from './queries.js';

interface Props {
  workspace: SavedWorkspace;
  onConnected: (workspace: WorkspaceInfo) => void;
  onEdit: () => void;
}

/** One saved workspace: where it points, how it signs in, and Connect / Edit / Remove. */
export function SavedWorkspaceItem({ workspace, onConnected, onEdit }: Props) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const { config } = workspace;
  const connect = useMutation({
    mutationFn: () => call('workspace.connect', { id: workspace.id }),
    onSuccess: onConnected,
  });
  const remove = useMutation({
    mutationFn: () => call('workspace.remove', { id: workspace.id }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: savedWorkspacesQuery.queryKey }),
  });

  return (
    <li className="card" data-testid="saved-workspace">
      <div className="card__head">
        <h3 className="card__title">{config.name}</h3>
        {secretMissing(config, workspace.hasSecret) && (
          <span className="badge badge--warning" title="Edit the workspace and enter its secret again.">
            secret not stored
          </span>
        )}
        <div className="card__actions">
          <button type="button" className="button button--primary" onClick={() => connect.mutate()} disabled={connect.isPending}>
            Connect
          </button>
          <button type="button" className="button" onClick={onEdit}>
            Edit
          </button>
          <button type="button" className="button" onClick={() => setConfirming(true)} disabled={confirming}>
            Remove
          </button>
        </div>
      </div>
      <dl className="card__facts">
        <div>
          <dt>{config.kind === 'azure' ? 'Sysroot' : 'Folder'}</dt>
          <dd className="mono">{config.kind === 'azure' ? config.sysroot : config.path}</dd>
        </div>
        {config.kind === 'azure' && (
          <div>
            <dt>Endpoint</dt>
            <dd className="mono">{config.endpoint}</dd>
          </div>
        )}
        <div>
          <dt>Sign-in</dt>
          <dd>{describeAuth(config)}</dd>
        </div>
      </dl>
      {confirming && (
        <div className="confirm" role="group" aria-label={`Remove ${config.name}`}>
          <p className="confirm__question">
            Remove “{config.name}”? Its settings and stored secret are deleted; the data in storage is not touched.
          </p>
          <button type="button" className="button button--danger" onClick={() => remove.mutate()} disabled={remove.isPending} autoFocus>
            {remove.isPending ? 'Removing…' : 'Yes, remove'}
          </button>
          <button type="button" className="button" onClick={() => setConfirming(false)} disabled={remove.isPending}>
            Keep it
          </button>
        </div>
      )}
      {remove.isError && <ErrorPanel error={remove.error} onRetry={() => remove.mutate()} retrying={remove.isPending} />}
      {connect.isPending && <Loading label={`Connecting to ${config.name}…`} />}
      {connect.isError && <ErrorPanel error={connect.error} onRetry={() => connect.mutate()} onEditWorkspace={onEdit} />}
    </li>
  );
}
