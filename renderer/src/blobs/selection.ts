import { call } from '../api/client.js';
import { plural } from '../format.js';

/** What a delete did, shown until dismissed. */
export interface Notice {
  deleted: number;
  kept: { name: string; reason: string }[];
}

/** Blobs, and prefixes (ending in '/') with everything under them, queued to download into a folder on the host. */
export async function downloadSelection(workspaceId: string, container: string, names: string[], targetFolder: string): Promise<void> {
  const blobs = names.filter((n) => !n.endsWith('/'));
  if (blobs.length > 0) await call('transfer.download', { workspaceId, container, blobs, targetFolder });
  for (const prefix of names.filter((n) => n.endsWith('/'))) await call('transfer.download', { workspaceId, container, prefix, targetFolder });
}

export function describeSelection(selected: ReadonlySet<string>): string {
  const names = [...selected];
  const blobs = names.filter((n) => !n.endsWith('/')).length;
  const prefixes = names.length - blobs;
  return [blobs > 0 ? plural(blobs, 'blob') : '', prefixes > 0 ? plural(prefixes, 'folder') : ''].filter(Boolean).join(' and ');
}
