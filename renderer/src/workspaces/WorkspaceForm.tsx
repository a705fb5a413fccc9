import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { AuthKind, SavedWorkspace, WorkspaceConfig, WorkspaceDefaults, WorkspaceInfo, WorkspaceInput } from '../../../shared/contract.js';
import { call } from '../api/client.js';
import { ErrorPanel } from '../ui/ErrorPanel.js';
import { Loading } from '../ui/Loading.js';
import { ChooseLocalButton, LocalPathHelp } from '../ui/LocalPaths.js';
import { TextField } from '../ui/TextField.js';
import { AzureFields } from './AzureFields.js';
import { ServiceSecretFields } from './ServiceSecretFields.js';
import { checkDraft, type StoredSecret, type WorkspaceDraft } from './draft.js';
import { savedWorkspacesQuery } from './queries.js';
import { needsAttention, SysrootWarning } from './SysrootWarning.js';

interface Props {
  title: string;
  initial: WorkspaceDraft;
  /** The saved workspace being edited; absent for a new one. */
  editing?: SavedWorkspace;
  defaults: WorkspaceDefaults;
  secretsPersisted: boolean;
  onCancel: () => void;
  onSaved: () => void;
  onConnected: (workspace: WorkspaceInfo) => void;
}

interface SaveRequest {
  config: WorkspaceConfig;
  secret?: string;
  serviceSecrets?: { authKey?: string; headers?: string };
  serviceSecretsFrom?: string;
  andConnect: boolean;
}

interface Saved {
  id: string;
  secret: StoredSecret;
}

function storedOf(workspace: SavedWorkspace | undefined): Saved | undefined {
  if (!workspace) return undefined;
  const { config } = workspace;
  const auth: AuthKind = config.kind === 'azure' ? config.auth : 'environment';
  const endpoint = config.kind === 'azure' ? config.endpoint : '';
  return { id: workspace.id, secret: { auth, endpoint, present: workspace.hasSecret } };
}

function secretHelp(stored: StoredSecret | undefined, auth: AuthKind, endpoint: string, persisted: boolean): string {
  if (stored?.auth === auth && stored.endpoint !== endpoint.trim()) return 'A new endpoint needs its secret entered again.';
  if (stored?.auth === auth && stored.present) return 'Leave empty to keep the stored secret; type it to connect without saving.';
  if (stored?.auth === auth) return 'The stored secret is gone (browser mode keeps secrets in memory only): enter it again.';
  return persisted
    ? 'Saved encrypted with your system’s keychain, and never shown again.'
    : 'Browser mode keeps secrets in memory only: a saved one is gone when this Stratus host stops.';
}

/** "a name, the folder and the account key" */
function listWords(words: string[]): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** New or edited workspace: Save, Save and connect, or Connect without saving. */
export function WorkspaceForm({ title, initial, editing, defaults, secretsPersisted, onCancel, onSaved, onConnected }: Props) {
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState(initial);
  // After a save (even one whose connect then failed) further saves update that workspace.
  const [saved, setSaved] = useState(() => storedOf(editing));
  const check = checkDraft(draft, saved?.secret);
  const update = (patch: Partial<WorkspaceDraft>) => setDraft((current) => ({ ...current, ...patch }));
  // A workspace whose sysroot does not hold flows stays on the form, with the sysroots that do.
  const [doubtful, setDoubtful] = useState<{ workspace: WorkspaceInfo; via: 'open' | 'save' }>();
  const arrived = (via: 'open' | 'save') => (workspace: WorkspaceInfo) => {
    if (needsAttention(workspace.sysrootCheck) && workspace.sysrootCheck.verdict !== 'metadata-only') setDoubtful({ workspace, via });
    else onConnected(workspace);
  };

  const connect = useMutation({
    mutationFn: (id: string) => call('workspace.connect', { id }),
    onSuccess: arrived('save'),
  });
  const open = useMutation({
    mutationFn: (input: WorkspaceInput) => call('workspace.open', input),
    onSuccess: arrived('open'),
  });
  const save = useMutation({
    mutationFn: ({ config, secret, serviceSecrets, serviceSecretsFrom }: SaveRequest) =>
      call('workspace.save', { id: saved?.id, config, secret, serviceSecrets, serviceSecretsFrom }),
    onSuccess: (workspace, request) => {
      setSaved(storedOf(workspace));
      void queryClient.invalidateQueries({ queryKey: savedWorkspacesQuery.queryKey });
      if (request.andConnect) connect.mutate(workspace.id);
      else onSaved();
    },
  });
  const busy = save.isPending || connect.isPending || open.isPending;

  function start(action: () => void) {
    // One status at a time beside the form: the outcome of the last button pressed.
    setDoubtful(undefined);
    save.reset();
    connect.reset();
    open.reset();
    action();
  }
  const saveWith = (andConnect: boolean) => () => {
    const request = check.save;
    if (request) start(() => save.mutate({ ...request, andConnect }));
  };
  function openWithoutSaving() {
    const input = check.open;
    if (input) start(() => open.mutate(input));
  }
  /** The suggested sysroot (or folder) goes into the form, and the same button is pressed again. */
  function useSuggestion(suggestion: string) {
    const via = doubtful?.via;
    const next = { ...draft, ...(draft.kind === 'local' ? { path: suggestion } : { sysroot: suggestion }) };
    setDraft(next);
    const nextCheck = checkDraft(next, saved?.secret);
    if (via === 'open' && nextCheck.open) start(() => open.mutate(nextCheck.open as WorkspaceInput));
    if (via === 'save' && nextCheck.save) start(() => save.mutate({ ...(nextCheck.save as Omit<SaveRequest, 'andConnect'>), andConnect: true }));
  }
  function submit(event: FormEvent) {
    event.preventDefault();
    saveWith(true)();
  }

  return (
    <div className="form-page">
      <form className="form-page__form panel" onSubmit={submit} aria-label={title}>
        <h1 className="form-page__title">{title}</h1>
        <TextField
          id="name"
          label="Name"
          mono={false}
          value={draft.name}
          onChange={(name) => update({ name })}
          errors={check.errors.name}
          placeholder="e.g. Team datastore (dev)"
        />
        <fieldset className="field">
          <legend>Type</legend>
          <div className="choices" role="radiogroup" aria-label="Type">
            {(
              [
                ['azure', 'Azure Blob Storage'],
                ['local', 'Local folder'],
              ] as const
            ).map(([kind, label]) => (
              <label key={kind} className={`choices__option${draft.kind === kind ? ' choices__option--checked' : ''}`}>
                <input type="radio" name="kind" value={kind} checked={draft.kind === kind} onChange={() => update({ kind })} />
                {label}
              </label>
            ))}
          </div>
        </fieldset>
        {draft.kind === 'azure' ? (
          <AzureFields
            draft={draft}
            check={check}
            environment={defaults.environmentCredential}
            secretHelp={secretHelp(saved?.secret, draft.auth, draft.endpoint, secretsPersisted)}
            onChange={update}
          />
        ) : (
          <>
            <TextField
              id="path"
              label="Folder"
              value={draft.path}
              onChange={(path) => update({ path })}
              errors={check.errors.path}
              placeholder="/home/you/metaflow"
              help={
                <LocalPathHelp>
                  A Metaflow local datastore: the folder holding <code>.metaflow</code>, or that folder itself.
                </LocalPathHelp>
              }
            />
            <ChooseLocalButton kind="folder" onChosen={(path) => update({ path })} testId="path-choose" />
            <TextField
              id="mlflow"
              label="MLflow tracking URI"
              optional
              value={draft.mlflowTrackingUri}
              onChange={(mlflowTrackingUri) => update({ mlflowTrackingUri })}
              errors={check.errors.mlflowTrackingUri}
              placeholder="file:///home/you/mlruns"
            />
            <ChooseLocalButton kind="file" onChosen={(path) => update({ mlflowTrackingUri: `sqlite:///${path}` })} testId="mlflow-choose" />
          </>
        )}
        <TextField
          id="metadata-service"
          label="Metaflow metadata service"
          optional
          value={draft.metadataServiceUrl}
          onChange={(metadataServiceUrl) => update({ metadataServiceUrl })}
          errors={check.errors.metadataServiceUrl}
          placeholder="https://metaflow-service.example.com/ (METAFLOW_SERVICE_URL)"
          help="Users, tags, namespaces, heartbeats and tag editing come from the team's metadata service; artifacts and logs still from the datastore."
        />
        {draft.metadataServiceUrl.trim() !== '' && <ServiceSecretFields draft={draft} errors={check.errors.serviceHeaders} onChange={update} />}
        <TextField
          id="stale-after"
          label="Stale after (hours)"
          optional
          mono={false}
          value={draft.staleAfterHours}
          onChange={(staleAfterHours) => update({ staleAfterHours })}
          errors={check.errors.staleAfterHours}
          placeholder="the app setting (2 by default)"
          help="A Metaflow run that has not finished and whose tasks recorded nothing for this long shows as stale rather than running."
        />
        {check.missing.length > 0 && <p className="form-page__missing">To save, enter {listWords(check.missing)}.</p>}
        <div className="form-page__actions">
          <button type="button" className="button button--quiet" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
          <span className="form-page__spacer" />
          <button
            type="button"
            className="button"
            disabled={!check.open || busy}
            title={check.keepsSecret ? 'Type the secret to connect without saving, or use Save and connect.' : undefined}
            onClick={openWithoutSaving}
          >
            Connect without saving
          </button>
          <button type="button" className="button" disabled={!check.save || busy} onClick={saveWith(false)}>
            Save
          </button>
          <button type="submit" className="button button--primary" disabled={!check.save || busy}>
            Save and connect
          </button>
        </div>
      </form>
      <aside className="form-page__status" aria-live="polite">
        {busy && <Loading label={save.isPending ? 'Saving…' : 'Connecting to the container…'} />}
        {save.isError && <ErrorPanel error={save.error} onRetry={() => save.variables && save.mutate(save.variables)} />}
        {connect.isError && (
          <ErrorPanel error={connect.error} onRetry={() => connect.variables && connect.mutate(connect.variables)} />
        )}
        {open.isError && <ErrorPanel error={open.error} onRetry={() => open.variables && open.mutate(open.variables)} />}
        {doubtful?.workspace.sysrootCheck && !busy && (
          <SysrootWarning finding={doubtful.workspace.sysrootCheck} busy={busy} onUse={useSuggestion} onKeep={() => onConnected(doubtful.workspace)} />
        )}
        {!busy && !save.isError && !connect.isError && !open.isError && !doubtful && (
          <div className="form-page__about">
            <p>
              The sysroot is Metaflow’s <code>METAFLOW_DATASTORE_SYSROOT_AZURE</code>: a container, then an optional prefix
              inside it.
            </p>
            <p>Stratus only reads: it lists flows, runs, steps and tasks, and shows each task’s artifact index.</p>
          </div>
        )}
      </aside>
    </div>
  );
}
