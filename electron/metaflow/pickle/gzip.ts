import { createGunzip } from 'node:zlib';
import { PickleError } from './errors.js';

// Metaflow's CAS blobs are gzip (GzipFile, compresslevel 3) of the pickle. zlib runs on libuv's
// thread pool, so inflating an artifact does not block the main process; for a preview only the
// first `limit` bytes are inflated and the rest of the stream is abandoned.

const CHUNK = 64 * 1024;
const MIN_CHUNK = 1024;

export function isGzip(blob: Buffer): boolean {
  return blob.length >= 2 && blob[0] === 0x1f && blob[1] === 0x8b;
}

/** The uncompressed size from the gzip trailer (ISIZE, i.e. modulo 2**32; Metaflow writes one member). */
export function gzipDeclaredSize(blob: Buffer): number {
  return blob.length >= 18 ? blob.readUInt32LE(blob.length - 4) : 0;
}

function badGzip(err: unknown): PickleError {
  const reason = err instanceof Error ? err.message : String(err);
  return new PickleError('bad-gzip', `the artifact blob is not valid gzip: ${reason}`);
}

/** The first `limit` bytes of the uncompressed stream (all of it if shorter); `ended` if that is all of it. */
export function gunzipPrefix(blob: Buffer, limit: number): Promise<{ data: Buffer; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const stream = createGunzip({ chunkSize: Math.min(CHUNK, Math.max(MIN_CHUNK, limit)) });
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= limit) {
        stream.destroy();
        resolve({ data: Buffer.concat(chunks, size).subarray(0, limit), ended: false });
      }
    });
    stream.on('end', () => resolve({ data: Buffer.concat(chunks, size), ended: true }));
    stream.on('error', (err) => reject(badGzip(err)));
    stream.end(blob);
  });
}
