import { decodePickle, type DecodeResult } from './decoder.js';
import { PickleError } from './errors.js';
import { gunzipPrefix, gzipDeclaredSize, isGzip } from './gzip.js';
import type { PicklePreview } from '../../../shared/preview-types.js';
import { RangedPickle, type ReadRange } from './ranged-pickle.js';
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

function preview(pickle: Buffer, whole: boolean, totalBytes: number, maxItems: number): PicklePreview {
  const decoded = decodePickle(pickle, { maxItems, partial: !whole });
  return rendered(decoded, totalBytes, maxItems);
}

function rendered(decoded: DecodeResult, totalBytes: number, maxItems: number): PicklePreview {
  const out = renderValue(decoded.value, { maxItems, maxDepth: MAX_DEPTH, maxNodes: MAX_NODES });
  return { value: out.value, complete: decoded.complete && out.complete, bytesRead: decoded.bytesRead, totalBytes };
}

export async function previewArtifact(blob: Buffer, opts: PreviewOptions): Promise<PicklePreview> {
  checkEncoding(opts.encoding);
  if (blob.length === 0) throw new PickleError('empty', 'the artifact blob is empty (0 bytes), so there is no pickle to read');
  if (isGzip(blob)) {
    const { data, ended } = await gunzipPrefix(blob, opts.maxBytes);
    return preview(data, ended, Math.max(gzipDeclaredSize(blob), data.length), opts.maxItems);
  }
  const pickle = blob.length > opts.maxBytes ? blob.subarray(0, opts.maxBytes) : blob;
  return preview(pickle, pickle.length === blob.length, blob.length, opts.maxItems);
}

/**
 * A preview read from the blob range by range: the first `rangeBytes`, then more only while the
 * decoder ran out of bytes before the pickle's STOP and `maxBytes` of pickle are not yet read.
 */
export async function previewRanges(read: ReadRange, opts: PreviewOptions & { rangeBytes: number }): Promise<PicklePreview> {
  checkEncoding(opts.encoding);
  const source = await RangedPickle.open(read, { rangeBytes: opts.rangeBytes, limit: opts.maxBytes });
  for (;;) {
    const decoded = decodePickle(source.data, { maxItems: opts.maxItems, partial: !source.whole });
    if (decoded.stopped || !(await source.more())) return rendered(decoded, await source.totalBytes(), opts.maxItems);
  }
}
