import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Endpoint, type WorkspaceDefaults, type WorkspaceInfo, type WorkspaceInput } from '../../../shared/contract.js';
import { checkSysroot } from '../../../shared/sysroot.js';
import { call } from '../api/client.js';
import { ErrorPanel } from '../ui/ErrorPanel.js';
import { Loading } from '../ui/Loading.js';
import { CredentialFields } from './CredentialFields.js';
import { initialCredential, toCredentialInput } from './credential.js';
import { SysrootField } from './SysrootField.js';

interface Props {
  /** Prefill: the last workspace's values, else main's defaults. */
  defaults: WorkspaceDefaults;
  onConnected: (workspace: WorkspaceInfo, input: WorkspaceInput) => void;
}

export function ConnectForm({ defaults, onConnected }: Props) {
  const [sysroot, setSysroot] = useState(defaults.sysroot ?? '');
  const [endpoint, setEndpoint] = useState(defaults.endpoint ?? '');
  const [credential, setCredential] = useState(() => initialCredential(defaults));
  const open = useMutation({
    mutationFn: (input: WorkspaceInput) => call('workspace.open', input),
    onSuccess: (workspace, input) => onConnected(workspace, input),
  });

  const sysrootCheck = checkSysroot(sysroot);
  const endpointCheck = Endpoint.safeParse(endpoint.trim());
  const credentialInput = toCredentialInput(credential);
  const input: WorkspaceInput | undefined =
    sysrootCheck.ok && endpointCheck.success && credentialInput
      ? { sysroot, endpoint: endpointCheck.data, credential: credentialInput }
      : undefined;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (input) open.mutate(input);
  }

  return (
    <div className="connect">
      <form className="connect__form panel" onSubmit={submit} aria-label="Connect to a Metaflow datastore">
        <h1 className="connect__title">Open a Metaflow datastore</h1>
        <SysrootField value={sysroot} check={sysrootCheck} onChange={setSysroot} />
        <div className="field">
          <label htmlFor="endpoint">Blob endpoint</label>
          <input
            id="endpoint"
            className="input input--mono"
            value={endpoint}
            onChange={(e) => setEndpoint(e.target.value)}
            placeholder="https://<account>.blob.core.windows.net"
            spellCheck={false}
            autoComplete="off"
            aria-invalid={endpoint !== '' && !endpointCheck.success}
          />
          {endpoint !== '' && !endpointCheck.success && (
            <ul className="field__errors">
              {endpointCheck.error.issues.map((issue) => (
                <li key={issue.message}>{issue.message}</li>
              ))}
            </ul>
          )}
        </div>
        <CredentialFields draft={credential} environment={defaults.environmentCredential} onChange={setCredential} />
        <div className="connect__actions">
          <button type="submit" className="button button--primary" disabled={!input || open.isPending}>
            {open.isPending ? 'Connecting…' : 'Connect'}
          </button>
        </div>
      </form>
      <aside className="connect__status" aria-live="polite">
        {open.isPending && <Loading label="Connecting to the container…" />}
        {open.isError && (
          <ErrorPanel error={open.error} onRetry={() => open.variables && open.mutate(open.variables)} />
        )}
        {open.isIdle && (
          <div className="connect__about">
            <p>
              The sysroot is Metaflow’s <code>METAFLOW_DATASTORE_SYSROOT_AZURE</code>: a container, then an optional
              prefix inside it.
            </p>
            <p>Stratus only reads: it lists flows, runs, steps and tasks, and shows each task’s artifact index.</p>
          </div>
        )}
      </aside>
    </div>
  );
}
