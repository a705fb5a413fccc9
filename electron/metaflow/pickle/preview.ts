import { decodePickle } from './decoder.js';
import { PickleError } from './errors.js';
import { gunzipPrefix, gzipDeclaredSize, isGzip } from './gzip.js';
import type { ArtifactPreview } from '../../../shared/preview-types.js';
import { renderValue } from './render.js';

// An artifact blob → a bounded, JSON-safe preview. Metaflow's encodings `pickle-v2`/`pickle-v4`
// (and the older `gzip+pickle-v2/v4`, or none at all, meaning gzip+pickle-v2) all name a pickle in
// a gzip CAS blob; a blob stored with `cas_raw` is the bare pickle, so gzip is detected by its
// magic bytes rather than trusted from the name.

export interface PreviewOptions {
  /** data.json `info[name].encoding`; undefined or '' for old data that did not record one. */
  encoding?: string;
  /** Decode at most this many bytes of the uncompressed pickle. Infinity reads it all. */
  maxBytes: number;
  /** Children per container, elements per array, rows and columns per frame. */
  maxItems: number;
}

const PICKLE_ENCODING = /^(gzip\+)?pickle-v\d+$/;
/** Guards against hostile nesting and shared-reference blowup; far above what real artifacts need. */
const MAX_DEPTH = 100;
const MAX_NODES = 200_000;

function checkEncoding(encoding: string | undefined): void {
  if (encoding === undefined || encoding === '' || PICKLE_ENCODING.test(encoding)) return;
  throw new PickleError('unsupported-encoding', `artifacts encoded as "${encoding}" cannot be previewed (only Metaflow pickles can)`);
}

export async function previewArtifact(blob: Buffer, opts: PreviewOptions): Promise<ArtifactPreview> {
  checkEncoding(opts.encoding);
  if (blob.length === 0) throw new PickleError('empty', 'the artifact blob is empty (0 bytes), so there is no pickle to read');
  let pickle: Buffer;
  let whole: boolean;
  let totalBytes: number;
  if (isGzip(blob)) {
    const { data, ended } = await gunzipPrefix(blob, opts.maxBytes);
    pickle = data;
    whole = ended;
    totalBytes = Math.max(gzipDeclaredSize(blob), data.length);
  } else {
    pickle = blob.length > opts.maxBytes ? blob.subarray(0, opts.maxBytes) : blob;
    whole = pickle.length === blob.length;
    totalBytes = blob.length;
  }
  const decoded = decodePickle(pickle, { maxItems: opts.maxItems, partial: !whole });
  const rendered = renderValue(decoded.value, { maxItems: opts.maxItems, maxDepth: MAX_DEPTH, maxNodes: MAX_NODES });
  return { value: rendered.value, complete: decoded.complete && rendered.complete, bytesRead: decoded.bytesRead, totalBytes };
}
