import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { ContainerClient } from '@azure/storage-blob';
import { pickle } from './pickle-writer.js';
import { ndarrayOfBytes } from './python-values.js';

// A float64 numpy array of any size stored as Metaflow stores an artifact (protocol-4 pickle,
// gzipped, named by the sha1 of the pickle), generated as a stream so that a GiB-sized artifact
// never sits in memory: for tests and the benchmark of previews.

/** Bytes of the stand-in payload: at least the pickler's frame target, so it lies outside any frame, as the real one does. */
const PLACEHOLDER_BYTES = 64 * 1024;
const CHUNK_ELEMENTS = 128 * 1024;
const BINBYTES = 0x42;
/** Fast, and level 1 still shrinks this array to about a sixth: the blob stays large. */
const GZIP_LEVEL = 1;
const UPLOAD_BUFFER = 4 * 1024 * 1024;
const UPLOAD_CONCURRENCY = 4;

export interface LargeNdarray {
  /** `<flowPrefix>data/<sha[:2]>/<sha>` */
  name: string;
  sha: string;
  /** Bytes of the pickle (what data.json records as the artifact's size). */
  pickleBytes: number;
  elements: number;
}

/** The value of element i: numpy.arange(n) / 4, exact in float64 and about six times compressible. */
export function largeNdarrayElement(i: number): number {
  return i / 4;
}

/** The pickle of `numpy.arange(elements) / 4` in pieces: opcodes before the elements, the elements, opcodes after. */
function* pickleChunks(elements: number): Generator<Buffer> {
  const payloadBytes = elements * 8;
  if (payloadBytes < PLACEHOLDER_BYTES || payloadBytes > 0xffffffff) throw new Error(`A large ndarray holds 8,192 to 536,870,911 elements, not ${elements}.`);
  const encoded = pickle(ndarrayOfBytes('f8', [elements], new Uint8Array(PLACEHOLDER_BYTES)));
  const header = Buffer.from([BINBYTES, 0, 0, 0, 0]);
  header.writeUInt32LE(PLACEHOLDER_BYTES, 1);
  const at = encoded.indexOf(header);
  header.writeUInt32LE(payloadBytes, 1);
  yield Buffer.concat([encoded.subarray(0, at), header]);
  for (let first = 0; first < elements; first += CHUNK_ELEMENTS) {
    const chunk = new Float64Array(Math.min(CHUNK_ELEMENTS, elements - first));
    for (let i = 0; i < chunk.length; i++) chunk[i] = largeNdarrayElement(first + i);
    yield Buffer.from(chunk.buffer);
  }
  yield encoded.subarray(at + header.length + PLACEHOLDER_BYTES);
}

/** Writes the array's artifact under `flowPrefix` (e.g. 'BigFlow/'): one pass to name it by sha1, one to gzip and store it. */
export async function storeLargeNdarray(target: { container: ContainerClient } | { folder: string }, flowPrefix: string, elements: number): Promise<LargeNdarray> {
  const hash = createHash('sha1');
  let pickleBytes = 0;
  for (const chunk of pickleChunks(elements)) {
    hash.update(chunk);
    pickleBytes += chunk.length;
  }
  const sha = hash.digest('hex');
  const name = `${flowPrefix}data/${sha.slice(0, 2)}/${sha}`;
  const gzipped = Readable.from(pickleChunks(elements)).pipe(createGzip({ level: GZIP_LEVEL }));
  if ('container' in target) {
    await target.container.getBlockBlobClient(name).uploadStream(gzipped, UPLOAD_BUFFER, UPLOAD_CONCURRENCY);
  } else {
    const file = path.join(target.folder, ...name.split('/'));
    await mkdir(path.dirname(file), { recursive: true });
    await pipeline(gzipped, createWriteStream(file));
  }
  return { name, sha, pickleBytes, elements };
}
