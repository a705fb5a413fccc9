import { setMaxListeners } from 'node:events';
import { access, mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { BlobClient, ContainerClient } from '@azure/storage-blob';
import { RestError } from '@azure/storage-blob';
import { StratusError } from '../../shared/errors.js';
import { MiB } from './block-plan.js';
import type { JobOutcome, RunContext } from './job-context.js';
import type { BufferPool } from './buffer-pool.js';
import type { Md5Pool, Md5Stream } from './md5-pool.js';
import { RequestWindow } from './request-window.js';
import { numberedName } from './safe-path.js';

// One blob to one local file: parallel ranged GETs, each written at its offset into a temporary file
// beside the target, which is renamed into place only when complete and, when the blob has a
// Content-MD5, only when the bytes match it. Ranges are conditional on the etag first seen, so a
// blob that changes mid-download starts over instead of mixing two versions. The journal keeps the
// etag and the ranges written whole, so a download cut off by a crash continues where it stopped.

export const RANGE_SIZE = 8 * MiB;
/**
 * Ranges in flight per download at first (the pool's limit still applies across jobs): 8 as fast
 * here as 16, with less memory waiting for the collector in responses' chunks. It grows up to the
 * maximum on a link whose connections are each slower than the link (request-window.ts).
 */
const RANGES_PER_JOB = 8;
const MAX_RANGES_PER_JOB = 32;
const WRITE_BATCH = MiB;

export interface DownloadState {
  id: string;
  container: ContainerClient;
  blobName: string;
  /** The file to create; moves to "name (n).ext" when something already has the name. */
  localPath: string;
  targetChosen: boolean;
  size: number;
  etag: string | undefined;
  doneRanges: Set<number>;
  restartReason: string | null;
}

export function tempPathFor(localPath: string, jobId: string): string {
  return path.join(path.dirname(localPath), `.${path.basename(localPath)}.${jobId.slice(0, 8)}.stratus-part`);
}

const exists = (p: string) => access(p).then(() => true, () => false);

/** The target, or the first "name (n).ext" beside it that is free: a download never replaces a file. */
async function freeName(localPath: string): Promise<string> {
  if (!(await exists(localPath))) return localPath;
  for (let n = 1; n < 10_000; n++) {
    const candidate = path.join(path.dirname(localPath), numberedName(path.basename(localPath), n));
    if (!(await exists(candidate))) return candidate;
  }
  throw new StratusError({ code: 'ALREADY_EXISTS', message: `Too many files named like ${localPath} already exist.` });
}

class ShortRange extends Error {
  readonly code = 'ECONNRESET';
  constructor(expected: number, got: number, cause?: unknown) {
    super(`The connection ended after ${got} of ${expected} bytes of a range.`, { cause });
  }
}

/**
 * The file's MD5, computed while the download runs: each range is read back (from the page cache)
 * and hashed as soon as every range before it is complete, so checking costs little time at the end.
 * Two buffers take turns: the next range is read while the hashing thread digests the one before.
 */
class InOrderMd5 {
  private readonly hash: Md5Stream;
  private next = 0;
  private draining: Promise<void> = Promise.resolve();
  private readonly turns: Buffer[] = [];
  /** The update last posted; the buffer it reads is reused only after the one after it is read. */
  private hashing: Promise<void> = Promise.resolve();
  private error: unknown;

  constructor(
    private readonly ranges: number,
    private readonly size: number,
    private readonly done: Set<number>,
    pool: Md5Pool,
    private readonly buffers: BufferPool,
  ) {
    this.hash = pool.stream();
  }

  /** Hashes whatever contiguous ranges are now complete; calls never overlap. */
  advance(handle: FileHandle): Promise<void> {
    this.draining = this.draining.then(async () => {
      while (this.next < this.ranges && this.done.has(this.next)) {
        const length = Math.min(RANGE_SIZE, this.size - this.next * RANGE_SIZE);
        const turn = this.next % 2;
        this.turns[turn] ??= this.buffers.take(Math.min(RANGE_SIZE, this.size));
        const view = this.turns[turn].subarray(0, length);
        let filled = 0;
        while (filled < length) {
          const { bytesRead } = await handle.read(view, filled, length - filled, this.next * RANGE_SIZE + filled);
          if (bytesRead === 0) throw new Error('The temporary file is shorter than the blob.');
          filled += bytesRead;
        }
        // The other buffer is free again once its update is done; updates are hashed in the order posted.
        await this.hashing;
        this.hashing = this.hash.update(view).catch((err: unknown) => {
          this.error ??= err;
        });
        this.next++;
      }
    }).catch((err: unknown) => {
      this.error ??= err;
    });
    return this.draining;
  }

  async digest(handle: FileHandle): Promise<string> {
    await this.advance(handle);
    await this.hashing;
    const digest = (await this.hash.digest()).toString('base64');
    for (const buffer of this.turns) this.buffers.give(buffer);
    this.turns.length = 0;
    if (this.error !== undefined) throw this.error;
    if (this.next < this.ranges) throw new Error('Not every range was hashed.');
    return digest;
  }
}

const lastWrite = new WeakMap<FileHandle, Promise<number>>();

/**
 * Writes to one file one at a time: the kernel serialises writes to a file anyway (its inode lock),
 * and the thread-pool threads queued on that lock spin for it, burning the CPU the download needs.
 */
function writeInTurn(handle: FileHandle, buffers: Buffer[], position: number): Promise<number> {
  const previous = lastWrite.get(handle) ?? Promise.resolve(0);
  const next = previous.catch(() => 0).then(async () => (await handle.writev(buffers, position)).bytesWritten);
  lastWrite.set(handle, next);
  return next;
}

/** Opens the temporary file once, when the blob's size and the target are known. */
type OpenTemp = () => Promise<FileHandle>;

interface FirstRange {
  etag: string | undefined;
  size: number;
  md5: Uint8Array | undefined;
}

/** Fetches one range into the temporary file; the first range of a fresh job also tells size, etag and MD5. */
async function fetchRange(
  blob: BlobClient,
  openTemp: OpenTemp,
  job: DownloadState,
  index: number,
  ctx: RunContext,
  signal: AbortSignal,
  onFirst?: (first: FirstRange) => void,
): Promise<void> {
  const offset = index * RANGE_SIZE;
  await ctx.request(
    'rangeGet',
    async (abortSignal, watch) => {
      // A retried first range asks for the version its first attempt saw: the other ranges may already be on their way.
      const conditions = job.etag === undefined ? undefined : { ifMatch: job.etag };
      const length = onFirst ? RANGE_SIZE : Math.min(RANGE_SIZE, job.size - offset);
      // The SDK's own re-reads of a cut response are off: the engine retries the range and counts it.
      const response = await blob.download(offset, length, { conditions, abortSignal, maxRetryRequests: 0 });
      watch.moved();
      // The body may fail before it is read (while the file opens): hold the error for the loop below.
      response.readableStreamBody?.on('error', () => undefined);
      if (onFirst) {
        const total = Number(/\/(\d+)$/.exec(response.contentRange ?? '')?.[1] ?? response.contentLength ?? 0);
        onFirst({ etag: response.etag, size: total, md5: response.blobContentMD5 ?? response.contentMD5 });
      }
      const expected = onFirst ? Math.min(RANGE_SIZE, job.size) : length;
      // The disk and the bandwidth cap are waits of this side: the stall watchdog does not count them.
      const handle = await watch.off(openTemp());
      let written = 0;
      // Chunks go to disk a batch at a time: one write per MiB instead of one per socket read.
      const batch: Buffer[] = [];
      let batched = 0;
      const flush = async () => {
        const bytesWritten = await writeInTurn(handle, batch, offset + written);
        if (bytesWritten !== batched) throw new Error(`Only ${bytesWritten} of ${batched} bytes reached the temporary file.`);
        written += batched;
        ctx.progress(batched);
        batch.length = 0;
        batched = 0;
      };
      try {
        for await (const chunk of response.readableStreamBody ?? []) {
          const bytes = chunk as Buffer;
          watch.moved();
          batch.push(bytes);
          batched += bytes.length;
          if (batched >= WRITE_BATCH) await watch.off(flush());
          // The cap is kept per chunk read, so a low one holds the socket back however the writes are batched.
          await watch.off(ctx.pool.account(bytes.length, abortSignal));
        }
        if (batched > 0) await watch.off(flush());
        if (written !== expected) throw new ShortRange(expected, written);
      } catch (err) {
        // The range is fetched again whole: take back what this attempt counted.
        ctx.progress(-written);
        if (abortSignal.aborted || err instanceof ShortRange) throw err;
        // A body cut off midway is a network failure, whatever the stream called it.
        throw new ShortRange(expected, written, err);
      }
    },
    signal,
  );
  job.doneRanges.add(index);
  ctx.journal?.markStaged(job.id, index);
}

function isStatus(err: unknown, status: number): boolean {
  return err instanceof RestError && err.statusCode === status;
}

export async function runDownload(job: DownloadState, ctx: RunContext, restarts = 0): Promise<JobOutcome> {
  const blob = job.container.getBlobClient(job.blobName);
  let md5: Uint8Array | undefined;
  let opened: Promise<FileHandle> | undefined;
  const local = new AbortController();
  setMaxListeners(0, local.signal);
  const stop = () => local.abort(ctx.signal.reason);
  ctx.signal.addEventListener('abort', stop, { once: true });
  const openTemp: OpenTemp = () => {
    opened ??= (async () => {
      if (!job.targetChosen) {
        await mkdir(path.dirname(job.localPath), { recursive: true });
        job.localPath = await freeName(job.localPath);
        job.targetChosen = true;
      }
      const temp = tempPathFor(job.localPath, job.id);
      const resuming = job.doneRanges.size > 0 && (await exists(temp));
      if (!resuming) {
        job.doneRanges.clear();
        ctx.journal?.clearStaged(job.id);
      }
      const handle = await open(temp, resuming ? 'r+' : 'w+');
      await handle.truncate(job.size);
      // From here a crash leaves a temporary file whose whole ranges the journal names, and a later run continues it.
      if (job.etag !== undefined) ctx.journal?.downloadStarted(job.id, { localPath: job.localPath, size: job.size, blockSize: RANGE_SIZE, etag: job.etag });
      return handle;
    })();
    return opened;
  };
  let failure: unknown;
  let actual: string | undefined;
  /** The first range of a fresh job while its body still arrives: it holds one of the window's places. */
  let firstRange: Promise<unknown> | undefined;
  let firstStarted = 0;
  try {
    if (job.doneRanges.size === 0) {
      // A fresh job learns size, etag and MD5 from its first range: one request for a small blob.
      // The other ranges start once its headers have come, not its body: on a thin link one range
      // alone takes seconds while the link could carry several.
      let known = false;
      let headersCame = () => {};
      const headers = new Promise<void>((resolve) => (headersCame = resolve));
      firstStarted = performance.now();
      const ended = fetchRange(blob, openTemp, job, 0, ctx, local.signal, (answer) => {
        job.etag = answer.etag;
        job.size = answer.size;
        md5 = answer.md5;
        known = true;
        headersCame();
      }).then(
        () => undefined,
        (err: unknown) => err ?? new Error('The first range failed.'),
      );
      await Promise.race([headers, ended]);
      if (known) firstRange = ended;
      else {
        const err = await ended;
        // An empty blob has no range 0 to fetch.
        if (!isStatus(err, 416)) throw err;
        const props = await ctx.request('other', (abortSignal) => blob.getProperties({ abortSignal }), local.signal);
        Object.assign(job, { etag: props.etag, size: props.contentLength ?? 0 });
        md5 = props.contentMD5;
        await openTemp();
      }
    } else {
      const props = await ctx.request('other', (abortSignal) => blob.getProperties({ abortSignal }), local.signal);
      if (props.etag !== job.etag) {
        job.doneRanges.clear();
        ctx.journal?.clearStaged(job.id);
        job.restartReason = 'The blob changed since the download started, so it is fetched again from the start.';
      }
      Object.assign(job, { etag: props.etag, size: props.contentLength ?? 0 });
      md5 = props.contentMD5;
      await openTemp();
      for (const i of job.doneRanges) ctx.progress(Math.min(RANGE_SIZE, job.size - i * RANGE_SIZE), true);
    }
    const ranges = Math.ceil(job.size / RANGE_SIZE);
    const handle = await openTemp();
    const hasher = md5 ? new InOrderMd5(ranges, job.size, job.doneRanges, ctx.md5, ctx.buffers) : undefined;
    // A window of ranges per job, fetched in order: the hash frontier then follows the download
    // closely instead of waiting for the first of many parallel ranges to finish. The window widens
    // on a link where each connection is the limit (request-window.ts).
    const todo = Array.from({ length: ranges }, (_, i) => i).filter((i) => !job.doneRanges.has(i) && !(i === 0 && firstRange));
    const window = new RequestWindow(RANGES_PER_JOB, MAX_RANGES_PER_JOB);
    let next = 0;
    let active = 0;
    const lanes: Promise<void>[] = [];

    const lane = async () => {
      active++;
      try {
        // A lane beyond a window that shrank stops after its range.
        while (next < todo.length && failure === undefined && active <= window.size) {
          const i = todo[next++];
          const started = performance.now();
          try {
            await fetchRange(blob, openTemp, job, i, ctx, local.signal);
            window.done(Math.min(RANGE_SIZE, job.size - i * RANGE_SIZE), performance.now() - started);
            void hasher?.advance(handle);
            widen();
          } catch (err) {
            failure ??= err;
            local.abort(err);
          }
        }
      } finally {
        active--;
      }
    };
    const widen = () => {
      while (active < window.size && next < todo.length && failure === undefined) lanes.push(lane());
    };
    if (firstRange) {
      active++;
      lanes.push(
        firstRange.then((err) => {
          active--;
          if (err !== undefined) {
            failure ??= err;
            local.abort(err);
            return;
          }
          window.done(Math.min(RANGE_SIZE, job.size), performance.now() - firstStarted);
          void hasher?.advance(handle);
          widen();
        }),
      );
    }
    widen();
    // Lanes are added while the first ones run: wait for each, including those.
    for (let k = 0; k < lanes.length; k++) await lanes[k];
    if (failure === undefined && hasher) actual = await hasher.digest(handle);
  } catch (err) {
    failure ??= err;
    // A first range still arriving stops before its file is closed.
    local.abort(err);
    await firstRange;
  } finally {
    if (opened) await (await opened.catch(() => undefined))?.close();
    ctx.signal.removeEventListener('abort', stop);
  }
  if (ctx.signal.aborted) throw ctx.signal.reason as Error;
  if (isStatus(failure, 412) && restarts < 3) {
    // Changed under us: start over from the new version.
    job.doneRanges.clear();
    ctx.journal?.clearStaged(job.id);
    job.etag = undefined;
    job.restartReason = 'The blob changed while it was downloaded, so it is fetched again from the start.';
    ctx.progress(-Number.MAX_SAFE_INTEGER);
    return runDownload(job, ctx, restarts + 1);
  }
  if (failure !== undefined) throw failure;

  const temp = tempPathFor(job.localPath, job.id);
  const expected = md5 ? Buffer.from(md5).toString('base64') : undefined;
  if (expected !== undefined) {
    if (actual !== expected) {
      await rm(temp, { force: true });
      job.doneRanges.clear();
      ctx.journal?.clearStaged(job.id);
      throw new StratusError({
        code: 'CORRUPT_DATA',
        message: `${job.blobName} did not match its Content-MD5 after download; nothing was written.`,
        detail: `expected ${expected}, got ${actual}`,
      });
    }
  }
  // Something may have taken the name while we downloaded: never replace it.
  job.localPath = await freeName(job.localPath);
  await rename(temp, job.localPath);
  return { kind: 'done' };
}

export async function discardTemp(job: Pick<DownloadState, 'localPath' | 'id'>): Promise<void> {
  await rm(tempPathFor(job.localPath, job.id), { force: true });
}
