import { LazyWorkerRpc } from '../../core/workers/lazy-worker-rpc.js';
import { startWorker } from '../../core/workers/worker-entry.js';
import { decodePickle } from './decoder.js';
import { PickleError, type PickleErrorReason } from './errors.js';
import { gunzipPrefix, isGzip } from './gzip.js';
import { toJson, type JsonValue } from './json.js';
import { previewArtifact, type PreviewOptions } from './preview.js';
import type { PicklePreview } from '../../../shared/preview-types.js';

// Decoding a pickle is synchronous CPU work (tens of MB/s for pickles of small objects): blobs
// above WORKER_THRESHOLD go to a worker thread so the main process keeps serving IPC.

export const WORKER_THRESHOLD = 1024 * 1024;

type DecodeRequest = { op: 'json'; blob: Uint8Array } | { op: 'preview'; blob: Uint8Array; options: PreviewOptions };
export type DecodeJob = DecodeRequest & { id: number };

/** A decoding error as it crosses the thread boundary; `reason` rebuilds a PickleError. */
export interface DecodeError {
  message: string;
  reason?: PickleErrorReason;
}

export async function decodeBlobToJson(blob: Buffer): Promise<JsonValue> {
  const pickle = isGzip(blob) ? (await gunzipPrefix(blob, Infinity)).data : blob;
  return toJson(decodePickle(pickle).value);
}

const pool = new LazyWorkerRpc<DecodeError>(() => startWorker(import.meta.url, 'decode-worker'), {
  rebuild: (error) => (error.reason ? new PickleError(error.reason, error.message) : new Error(error.message)),
  died: (cause) => new Error('error' in cause ? `The decoder thread failed: ${cause.error.message}` : 'The decoder thread stopped.'),
});

function decodeInWorker(request: DecodeRequest): Promise<unknown> {
  return pool.request((id) => ({ ...request, id }) satisfies DecodeJob);
}

/** The whole value as JSON; large blobs are decoded in the worker. */
export function blobToJson(blob: Buffer): Promise<JsonValue> {
  if (blob.length < WORKER_THRESHOLD) return decodeBlobToJson(blob);
  return decodeInWorker({ op: 'json', blob }) as Promise<JsonValue>;
}

/** A preview; a large blob read far (beyond the main-thread budget) is decoded in the worker. */
export function blobPreview(blob: Buffer, options: PreviewOptions): Promise<PicklePreview> {
  if (blob.length < WORKER_THRESHOLD || options.maxBytes <= WORKER_THRESHOLD) return previewArtifact(blob, options);
  return decodeInWorker({ op: 'preview', blob, options }) as Promise<PicklePreview>;
}
