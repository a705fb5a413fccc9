import { BlobPrefix, ContainerName } from './schemas/transfer.js';

// A place in the account typed as `container/prefix` (as the breadcrumb shows it): the blob
// browser's path box. A trailing '/' is optional; the prefix always ends with one.

export type ParsedBlobPath = { ok: true; container: string; prefix: string } | { ok: false; message: string };

export function parseBlobPath(typed: string): ParsedBlobPath {
  const text = typed.trim().replace(/^\/+/, '');
  if (text === '') return { ok: false, message: 'Type a container, then optionally a folder: container/folder/sub.' };
  const slash = text.indexOf('/');
  const container = slash === -1 ? text : text.slice(0, slash);
  const rest = slash === -1 ? '' : text.slice(slash + 1);
  const name = ContainerName.safeParse(container);
  if (!name.success) return { ok: false, message: `"${container}" is not a container name: ${name.error.issues[0]?.message ?? 'invalid'}.` };
  const prefix = rest === '' || rest.endsWith('/') ? rest : `${rest}/`;
  const checked = BlobPrefix.safeParse(prefix);
  if (!checked.success) return { ok: false, message: `"${rest}" is not a folder path: ${checked.error.issues[0]?.message ?? 'invalid'}.` };
  return { ok: true, container, prefix };
}
