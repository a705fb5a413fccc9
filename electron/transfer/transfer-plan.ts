import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { StratusError } from '../../shared/errors.js';
import { relativeToDownload, resolveInside, safeRelativeSegments } from './safe-path.js';

// From a request to the files and blobs to move: dropped folders expanded into their files,
// upload names put under the prefix, download names made safe and kept inside the chosen folder.

export interface LocalFile {
  path: string;
  /** '/'-separated, relative to what was dropped. */
  name: string;
}

const MAX_BLOB_NAME = 1024;

/** Files stay as they are; a folder becomes every file below it, named under the folder's name. */
export async function expandFolders(files: LocalFile[]): Promise<LocalFile[]> {
  const out: LocalFile[] = [];
  for (const file of files) {
    const info = await stat(file.path).catch((err: Error) => {
      throw new StratusError({ code: 'NOT_FOUND', message: `Cannot read ${file.path}: ${err.message}` });
    });
    if (!info.isDirectory()) {
      out.push(file);
      continue;
    }
    const entries = await readdir(file.path, { recursive: true, withFileTypes: true });
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const full = path.join(entry.parentPath, entry.name);
      const rel = path.relative(file.path, full).split(path.sep).join('/');
      out.push({ path: full, name: `${file.name}/${rel}` });
    }
  }
  return out;
}

export function uploadBlobName(prefix: string, name: string): string {
  const blobName = prefix === '' || prefix.endsWith('/') ? `${prefix}${name}` : `${prefix}/${name}`;
  if (blobName.length > MAX_BLOB_NAME) {
    throw new StratusError({ code: 'INVALID_ARGUMENT', message: `The blob name for ${name} would be longer than 1,024 characters.` });
  }
  return blobName;
}

/** Where a prefix download puts its blobs: below the prefix's last folder, so `data/images/` lands as `images/…`. */
export function downloadBase(prefix: string): string {
  const trimmed = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  return trimmed.slice(0, trimmed.lastIndexOf('/') + 1);
}

export type DownloadTarget = { blobName: string; ok: true; filePath: string } | { blobName: string; ok: false; filePath: string; reason: string };

/** The local file for one blob, or why it is refused; never a path outside folder. */
export function downloadTarget(folder: string, blobName: string, prefix: string | undefined): DownloadTarget {
  const relative = relativeToDownload(blobName, prefix === undefined ? undefined : downloadBase(prefix));
  const safe = safeRelativeSegments(relative);
  if (!safe.ok) return { blobName, ok: false, filePath: folder, reason: `${blobName} was not downloaded: ${safe.reason}.` };
  try {
    return { blobName, ok: true, filePath: resolveInside(folder, safe.segments) };
  } catch {
    return { blobName, ok: false, filePath: folder, reason: `${blobName} was not downloaded: it would land outside the chosen folder.` };
  }
}
