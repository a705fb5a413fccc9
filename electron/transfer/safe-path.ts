import path from 'node:path';

// Where a blob lands on disk. Blob names are untrusted: `..` segments are refused, leading '/'
// and empty segments dropped, characters and names Windows forbids replaced (on every platform, so
// a download looks the same everywhere), and the final path is checked to be inside the folder.

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
// Control characters, and what Windows forbids in a name; '\' is a separator there.
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u001f\u007f<>:"|?*\\]/g;
const MAX_SEGMENT_BYTES = 255;

export type SafeName = { ok: true; segments: string[] } | { ok: false; reason: string };

export function safeSegment(segment: string): string {
  let safe = segment.replace(FORBIDDEN, '_');
  // Windows drops trailing dots and spaces, which would make two names one.
  safe = safe.replace(/[. ]+$/, (tail) => '_'.repeat(tail.length));
  if (WINDOWS_RESERVED.test(safe)) safe = `_${safe}`;
  return safe;
}

/** The local path segments for a blob name relative to what was chosen for download. */
export function safeRelativeSegments(relativeName: string): SafeName {
  const raw = relativeName.split('/').filter((s) => s !== '' && s !== '.');
  if (raw.length === 0) return { ok: false, reason: 'its name has no file part' };
  if (raw.some((s) => s === '..')) return { ok: false, reason: 'its name has a ".." segment, which would leave the chosen folder' };
  const segments = raw.map(safeSegment);
  if (segments.some((s) => Buffer.byteLength(s) > MAX_SEGMENT_BYTES)) return { ok: false, reason: 'a part of its name is longer than 255 bytes' };
  return { ok: true, segments };
}

/** The blob's name relative to a download: below the prefix, or its last segment when picked alone. */
export function relativeToDownload(blobName: string, prefix: string | undefined): string {
  if (prefix !== undefined) return blobName.startsWith(prefix) ? blobName.slice(prefix.length) : blobName;
  return blobName.slice(blobName.lastIndexOf('/') + 1);
}

/** An absolute path inside folder, or an error: nothing is ever written outside it. */
export function resolveInside(folder: string, segments: string[]): string {
  const root = path.resolve(folder);
  const full = path.resolve(root, ...segments);
  const rel = path.relative(root, full);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new RangeError(`${segments.join('/')} resolves outside ${root}`);
  }
  return full;
}

/** "name (n).ext": the copy kept beside an existing one. */
export function numberedName(name: string, n: number): string {
  const slash = name.lastIndexOf('/');
  const dir = name.slice(0, slash + 1);
  const base = name.slice(slash + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? `${dir}${base.slice(0, dot)} (${n})${base.slice(dot)}` : `${dir}${base} (${n})`;
}
