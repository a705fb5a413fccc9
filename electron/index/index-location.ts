import { createHash } from 'node:crypto';
import path from 'node:path';

// One index database per workspace's data, in user data. The file name is a digest of what
// identifies the data, so the same datastore reuses its index however it was opened (saved
// workspace, quick connect, CLI) and no endpoint or path leaks into file names.

export function indexFileFor(userDataDir: string, workspaceKey: string): string {
  return path.join(userDataDir, 'index', `${createHash('sha1').update(workspaceKey).digest('hex')}.sqlite`);
}

/**
 * The data a workspace shows: its endpoint and sysroot for Azure (not the credential: any
 * credential reads the same blobs), its resolved folder when local.
 */
export function workspaceKey(workspace: { kind: 'azure' | 'local'; endpoint: string; sysroot: string }): string {
  if (workspace.kind === 'local') return `local\n${path.resolve(workspace.sysroot)}`;
  // URL parsing lowercases the host; a SAS query or a trailing slash does not change the account.
  const url = new URL(workspace.endpoint);
  return `azure\n${url.origin}${url.pathname.replace(/\/+$/, '')}\n${workspace.sysroot}`;
}
