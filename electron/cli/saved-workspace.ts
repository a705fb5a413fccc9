import { StratusError } from '../../shared/errors.js';
import { MemoryVault } from '../workspace/secret-vault.js';
import { WorkspaceStore } from '../workspace/workspace-store.js';

// `--workspace NAME` of the `stratus mlflow` commands: a workspace the app saved, named as the app
// shows it (or by its id), so a command prices tokens with that workspace's own prices, as the app
// does, and reads its tracking URI. Only the saved settings are read: the CLI holds no app secrets.

export interface CliSavedWorkspace {
  savedId: string;
  name: string;
  trackingUri: string | undefined;
}

export async function savedWorkspaceNamed(userDataDir: string, name: string): Promise<CliSavedWorkspace> {
  const saved = await new WorkspaceStore(userDataDir, new MemoryVault()).list();
  const found = saved.find((w) => w.config.name === name) ?? saved.find((w) => w.id === name);
  if (!found) {
    const names = saved.map((w) => `"${w.config.name}"`).join(', ');
    throw new StratusError({ code: 'NOT_FOUND', message: `There is no saved workspace named "${name}" (saved: ${names === '' ? 'none' : names}).` });
  }
  return { savedId: found.id, name: found.config.name, trackingUri: found.config.mlflowTrackingUri };
}

/** The tracking store a command reads: --tracking-uri, else the saved workspace's, else MLFLOW_TRACKING_URI. */
export function commandTrackingUri(given: string | undefined, workspace: CliSavedWorkspace | undefined): string | undefined {
  if (given !== undefined) return given;
  if (workspace) {
    if (workspace.trackingUri === undefined) throw new StratusError({ code: 'INVALID_ARGUMENT', message: `The saved workspace "${workspace.name}" has no MLflow tracking URI: pass --tracking-uri URI.` });
    return workspace.trackingUri;
  }
  return process.env.MLFLOW_TRACKING_URI;
}
