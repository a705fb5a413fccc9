import path from 'node:path/posix';
import { StratusError } from '../../shared/errors.js';
import {
  MAX_IMAGE_PREVIEW_BYTES,
  MAX_TEXT_PREVIEW_BYTES,
  type ArtifactEntryMlflow,
  type ArtifactListing,
  type ArtifactPreview,
} from '../../shared/schemas/mlflow.js';
import type { ArtifactRoot } from './artifact-roots.js';

// A run's artifact tree, one level at a time, and previews: text-like files (text, JSON, CSV,
// Markdown) as text capped at MAX_TEXT_PREVIEW_BYTES, images as base64 up to MAX_IMAGE_PREVIEW_BYTES,
// anything else by size only. The object stores read whole blobs, so a file above
// MAX_READ_BYTES is never downloaded for a preview.

export const MAX_READ_BYTES = 16 * 1024 * 1024;

const IMAGES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.bmp': 'image/bmp',
  '.svg': 'image/svg+xml',
};
const FORMATS: Record<string, 'json' | 'csv' | 'markdown'> = {
  '.json': 'json',
  '.csv': 'csv',
  '.tsv': 'csv',
  '.md': 'markdown',
  '.markdown': 'markdown',
};

function folderPrefix(root: ArtifactRoot, relative: string): string {
  return relative === '' ? root.prefix : `${root.prefix}${relative}/`;
}

export async function listArtifacts(root: ArtifactRoot, relative: string): Promise<ArtifactListing> {
  const prefix = folderPrefix(root, relative);
  const listing = await root.store.listHierarchy(prefix);
  const entries: ArtifactEntryMlflow[] = [];
  for (const p of listing.prefixes) {
    const name = p.slice(prefix.length).replace(/\/$/, '');
    if (name !== '') entries.push({ path: relative === '' ? name : `${relative}/${name}`, name, isDir: true, size: null });
  }
  for (const o of listing.objects) {
    const name = o.name.slice(prefix.length);
    // Azure "folder marker" blobs (a name ending in '/') are not files.
    if (name !== '' && !name.includes('/')) entries.push({ path: relative === '' ? name : `${relative}/${name}`, name, isDir: false, size: o.size });
  }
  entries.sort((a, b) => (a.isDir === b.isDir ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.isDir ? -1 : 1));
  return { rootUri: root.uri, path: relative, entries };
}

/** Looks like text: valid UTF-8 with no NUL in what was read. */
function isText(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 8192);
  if (head.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.length < bytes.length ? head.subarray(0, lastCharBoundary(head)) : head);
    return true;
  } catch {
    return false;
  }
}

/** Length of `bytes` without a UTF-8 sequence cut off at its end. */
function lastCharBoundary(bytes: Buffer): number {
  let end = bytes.length;
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const byte = bytes[end - back];
    if ((byte & 0xc0) === 0x80) continue;
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    if (need > back) end -= back;
    break;
  }
  return end;
}

export async function previewArtifact(root: ArtifactRoot, relative: string): Promise<ArtifactPreview> {
  const parent = path.dirname(relative) === '.' ? '' : path.dirname(relative);
  const listing = await root.store.listHierarchy(folderPrefix(root, parent));
  const name = `${root.prefix}${relative}`;
  const object = listing.objects.find((o) => o.name === name);
  if (!object) throw new StratusError({ code: 'NOT_FOUND', message: `There is no artifact "${relative}" under ${root.uri}.` });
  return classifyArtifact(relative, object.size, () => root.store.read(name));
}

/** The preview of a file of `size` bytes; `read` is only called when the preview needs the bytes. */
export async function classifyArtifact(relative: string, size: number, read: () => Promise<Buffer>): Promise<ArtifactPreview> {
  const ext = path.extname(relative).toLowerCase();
  const image = IMAGES[ext];
  if (image) {
    if (size > MAX_IMAGE_PREVIEW_BYTES) return { kind: 'binary', path: relative, size };
    const bytes = await read();
    return { kind: 'image', path: relative, size, mimeType: image, base64: bytes.toString('base64') };
  }
  if (size > MAX_READ_BYTES) return { kind: 'binary', path: relative, size };
  const bytes = await read();
  if (!isText(bytes)) return { kind: 'binary', path: relative, size };
  const truncated = bytes.length > MAX_TEXT_PREVIEW_BYTES;
  const shown = truncated ? bytes.subarray(0, lastCharBoundary(bytes.subarray(0, MAX_TEXT_PREVIEW_BYTES))) : bytes;
  return { kind: 'text', path: relative, size, format: FORMATS[ext] ?? 'text', text: shown.toString('utf8'), truncated };
}

/** Reads one file under an artifact root (traces.json), with a clear message when it is not there. */
export async function readArtifactText(root: ArtifactRoot, relative: string): Promise<string> {
  return (await root.store.read(`${root.prefix}${relative}`)).toString('utf8');
}
