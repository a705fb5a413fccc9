import { createGunzip, type Gunzip } from 'node:zlib';
import { PickleError } from './errors.js';

// Metaflow's CAS blobs are gzip (GzipFile, compresslevel 3) of the pickle. zlib runs on libuv's
// thread pool, so inflating an artifact does not block the main process; for a preview only the
// first `limit` bytes are inflated and the rest of the stream is abandoned.

const CHUNK = 64 * 1024;
const MIN_CHUNK = 1024;

export function isGzip(blob: Buffer): boolean {
  return blob.length >= 2 && blob[0] === 0x1f && blob[1] === 0x8b;
}

/** Bytes of the gzip trailer's ISIZE field, the blob's last four. */
export const GZIP_SIZE_FIELD = 4;

/** The uncompressed size from the gzip trailer (ISIZE, i.e. modulo 2**32; Metaflow writes one member). */
export function gzipDeclaredSize(blob: Buffer): number {
  return blob.length >= 18 ? gzipSizeField(blob.subarray(blob.length - GZIP_SIZE_FIELD)) : 0;
}

/** ISIZE read from the trailer's last four bytes. */
export function gzipSizeField(tail: Buffer): number {
  return tail.length === GZIP_SIZE_FIELD ? tail.readUInt32LE(0) : 0;
}

function badGzip(err: unknown): PickleError {
  const reason = err instanceof Error ? err.message : String(err);
  return new PickleError('bad-gzip', `the artifact blob is not valid gzip: ${reason}`);
}

/**
 * Inflates a gzip stream fed piece by piece (ranges of a blob), keeping only the first `limit`
 * bytes of output: once it has them it stops inflating, so memory stays bounded by `limit`.
 */
export class PrefixInflater {
  private readonly stream: Gunzip;
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private joined: Buffer | undefined;
  private failure: PickleError | undefined;
  /** The output reached `limit`; the rest of the stream is not inflated. */
  full = false;
  /** The gzip stream ended: the output is all of it. */
  ended = false;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly limit: number) {
    this.stream = createGunzip({ chunkSize: Math.min(CHUNK, Math.max(MIN_CHUNK, limit)) });
    this.stream.on('data', (chunk: Buffer) => {
      if (this.full) return;
      this.chunks.push(chunk);
      this.size += chunk.length;
      this.joined = undefined;
      if (this.size >= limit) {
        this.full = true;
        this.stream.destroy();
        this.wake();
      }
    });
    this.stream.on('end', () => {
      this.ended = true;
      this.wake();
    });
    this.stream.on('error', (err) => {
      this.failure = badGzip(err);
      this.wake();
    });
  }

  /** What was inflated so far, at most `limit` bytes. */
  get data(): Buffer {
    this.joined ??= Buffer.concat(this.chunks, this.size).subarray(0, this.limit);
    return this.joined;
  }

  private get settled(): boolean {
    return this.full || this.ended || this.failure !== undefined;
  }

  private wake(): void {
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }

  /** Resolves once zlib took `feed`'s bytes, or the output is full, ended or failed. */
  private after(feed: (done: () => void) => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        this.waiters.delete(done);
        if (this.failure) reject(this.failure);
        else resolve();
      };
      if (this.settled) return done();
      this.waiters.add(done);
      feed(done);
    });
  }

  /** Inflates the next compressed bytes (as far as the limit). */
  write(compressed: Buffer): Promise<void> {
    return this.after((done) => this.stream.write(compressed, () => done()));
  }

  /** No more input: fails if the stream was cut short (a truncated blob), unless the limit was reached first. */
  end(): Promise<void> {
    return this.after(() => this.stream.end());
  }
}

/** The first `limit` bytes of the uncompressed stream (all of it if shorter); `ended` if that is all of it. */
export async function gunzipPrefix(blob: Buffer, limit: number): Promise<{ data: Buffer; ended: boolean }> {
  const inflater = new PrefixInflater(limit);
  await inflater.write(blob);
  await inflater.end();
  return { data: inflater.data, ended: inflater.ended };
}
