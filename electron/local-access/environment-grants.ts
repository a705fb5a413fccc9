import type { Env } from '../azure/blob-client.js';
import { localStorePath } from '../mlflow/open-source.js';
import type { LocalAccess } from './local-grants.js';

/**
 * MLFLOW_TRACKING_URI's local store was chosen by the user in their own shell, which the renderer
 * cannot change: importing it (workspace.import offers it) needs no dialog. Nothing is granted
 * when it names a server, nothing that exists, or a whole drive.
 */
export async function grantEnvironmentStore(access: LocalAccess, env: Env): Promise<void> {
  const uri = env.MLFLOW_TRACKING_URI;
  if (!uri) return;
  const local = await localStorePath(uri).catch(() => undefined);
  if (local !== undefined) await access.grant(local).catch(() => undefined);
}
