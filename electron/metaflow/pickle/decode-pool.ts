import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../workers/worker-entry.js';
import { decodePickle } from './decoder.js';
import { PickleError, type PickleErrorReason } from './errors.js';
import { gunzipPrefix, isGzip } from './gzip.js';
import { toJson, type JsonValue } from './json.js';
import { previewArtifact, type PreviewOptions } from './preview.js';
import type { ArtifactPreview } from '../../../shared/preview-types.js';

// Decoding a pickle is synchronous CPU work (tens of MB/s for pickles of small objects): blobs
// above WORKER_THRESHOLD go to a worker thread so the main process keeps serving IPC.

export const WORKER_THRESHOLD = 1024 * 1024;

type DecodeRequest = { op: 'json'; blob: Uint8Array } | { op: 'preview'; blob: Uint8Array; options: PreviewOptions };
export type DecodeJob = DecodeRequest & { id: number };

export type DecodeReply =
  | { id: number; ok: true; value: JsonValue | ArtifactPreview }
  | { id: number; ok: false; pickle?: { reason: PickleErrorReason; message: string }; message?: string };

export async function decodeBlobToJson(blob: Buffer): Promise<JsonValue> {
  const pickle = isGzip(blob) ? (await gunzipPrefix(blob, Infinity)).data : blob;
  return toJson(decodePickle(pickle).value);
}

type Pending = { resolve: (value: JsonValue | ArtifactPreview) => void; reject: (err: Error) => void };

class DecodePool {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  run(request: DecodeRequest): Promise<JsonValue | ArtifactPreview> {
    const id = this.nextId++;
    const worker = this.start();
    worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...request, id });
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = startWorker(import.meta.url, 'decode-worker');
    worker.on('message', (reply: DecodeReply) => {
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      // An idle decoder must not keep the process (CLI, tests) alive.
      if (this.pending.size === 0) worker.unref();
      if (!waiting) return;
      if (reply.ok) waiting.resolve(reply.value);
      else if (reply.pickle) waiting.reject(new PickleError(reply.pickle.reason, reply.pickle.message));
      else waiting.reject(new Error(reply.message ?? 'the decoder failed'));
    });
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', () => this.fail(new Error('the decoder thread stopped')));
    this.worker = worker;
    return worker;
  }

  private fail(err: Error): void {
    this.worker = undefined;
    for (const waiting of this.pending.values()) waiting.reject(err);
    this.pending.clear();
  }
}

const pool = new DecodePool();

/** The whole value as JSON; large blobs are decoded in the worker. */
export function blobToJson(blob: Buffer): Promise<JsonValue> {
  if (blob.length < WORKER_THRESHOLD) return decodeBlobToJson(blob);
  return pool.run({ op: 'json', blob }) as Promise<JsonValue>;
}

/** A preview; a large blob read far (beyond the main-thread budget) is decoded in the worker. */
export function blobPreview(blob: Buffer, options: PreviewOptions): Promise<ArtifactPreview> {
  if (blob.length < WORKER_THRESHOLD || options.maxBytes <= WORKER_THRESHOLD) return previewArtifact(blob, options);
  return pool.run({ op: 'preview', blob, options }) as Promise<ArtifactPreview>;
}
