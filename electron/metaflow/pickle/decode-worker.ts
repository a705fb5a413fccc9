import { parentPort } from 'node:worker_threads';
import { PickleError } from './errors.js';
import { decodeBlobToJson, type DecodeJob, type DecodeReply } from './decode-pool.js';
import { previewArtifact } from './preview.js';

// Decodes large artifacts off the main process's event loop, which serves IPC.

parentPort?.on('message', async (job: DecodeJob) => {
  let reply: DecodeReply;
  try {
    const blob = Buffer.from(job.blob.buffer, job.blob.byteOffset, job.blob.byteLength);
    const value = job.op === 'json' ? await decodeBlobToJson(blob) : await previewArtifact(blob, job.options);
    reply = { id: job.id, ok: true, value };
  } catch (err) {
    reply = err instanceof PickleError
      ? { id: job.id, ok: false, pickle: { reason: err.reason, message: err.message } }
      : { id: job.id, ok: false, message: (err as Error).message };
  }
  parentPort?.postMessage(reply);
});
