import type { WorkspaceConfig, WorkspaceInput } from '../../shared/contract.js';
import { localStorePath } from '../mlflow/open-source.js';
import type { LocalAccess } from './local-grants.js';

// The local files a workspace names: a datastore folder, an MLflow sqlite database or mlruns folder.

/** A tracking URI naming a local store must name one the user chose; a tracking server needs no grant. */
export async function allowTrackingUri(access: LocalAccess, uri: string | undefined): Promise<void> {
  const local = uri === undefined ? undefined : await localStorePath(uri);
  if (local !== undefined) await access.allow(local, 'the MLflow store');
}

/**
 * Every local path of a workspace the renderer asks to open or save. When it edits a saved one,
 * what that one already named was checked when it was saved (or came from the user's own file).
 */
export async function allowWorkspacePaths(access: LocalAccess, workspace: WorkspaceInput | WorkspaceConfig, saved?: WorkspaceConfig): Promise<void> {
  if (workspace.kind === 'local' && !(saved?.kind === 'local' && saved.path === workspace.path)) {
    await access.allow(workspace.path, 'the workspace folder');
  }
  if (workspace.mlflowTrackingUri !== saved?.mlflowTrackingUri) await allowTrackingUri(access, workspace.mlflowTrackingUri);
}
