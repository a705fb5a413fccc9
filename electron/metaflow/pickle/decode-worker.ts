import { serveRpc } from '../../core/workers/serve-rpc.js';
import { PickleError } from './errors.js';
import { decodeBlobToJson, type DecodeError, type DecodeJob } from './decode-pool.js';
import { previewArtifact } from './preview.js';

// Decodes large artifacts off the main process's event loop, which serves IPC.

serveRpc(
  (job: DecodeJob) => {
    const blob = Buffer.from(job.blob.buffer, job.blob.byteOffset, job.blob.byteLength);
    return job.op === 'json' ? decodeBlobToJson(blob) : previewArtifact(blob, job.options);
  },
  (err): DecodeError => (err instanceof PickleError ? { reason: err.reason, message: err.message } : { message: (err as Error).message }),
);
