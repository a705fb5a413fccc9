import { setMaxListeners } from 'node:events';
import type { Stats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import type { BlockBlobClient, ContainerClient } from '@azure/storage-blob';
import { RestError } from '@azure/storage-blob';
import { StratusError } from '../../shared/errors.js';
import { blockCount, blockId, blockRange, blockSizeFor, SINGLE_PUT_LIMIT } from './block-plan.js';
import { describeExisting, type JobOutcome, type RunContext } from './job-context.js';
import { blockStream, fileChanged, isMd5Mismatch } from './block-source.js';
import { Gate } from './request-pool.js';
import { RequestWindow } from './request-window.js';

// One file to one block blob. Small files: one Put Blob with the file's MD5. Larger ones: Put Block
// for each block (read and hashed block by block inside the pool's buffer budget, then sent with
// its MD5 by reading its range again as a stream), then Put Block List with the whole file's MD5. Writes are create-only unless the user
// chose to overwrite, and then only over the etag they saw.

export interface UploadState {
  id: string;
  container: ContainerClient;
  blobName: string;
  filePath: string;
  size: number;
  mtimeMs: number;
  blockSize: number;
  /** Blocks known to be staged on the service. */
  staged: Set<number>;
  /** Whether staged blocks may exist on the service (a resumed or retried job): then its uncommitted list is read first. */
  checkService: boolean;
  /** Set when the user chose overwrite: the etag of the blob to replace. */
  overwriteEtag: string | undefined;
  restartReason: string | null;
}

const MAX_SOURCE_RESTARTS = 3;
/** Blocks on the wire at first: a block on the wire costs stream buffers only, and more in flight than the link needs hide the time each waits on a loaded service. */
const WINDOW_START = 16;
/** Blocks on the wire at most: what the SDK tuned needed to reach the link on a loaded service. */
const MAX_WINDOW = 32;
/** Blocks hashed and not yet sent at most: only their MD5s are kept, and their ranges stay in the page cache. */
const HASH_LEAD = 2 * MAX_WINDOW;

/**
 * How many of one upload's blocks are on the wire (request-window.ts): grown from measured block
 * speed while the link's connections, not its total, are the limit. A block on the wire is streamed
 * from the file (block-source.ts), so the window is not bounded by the buffer budget.
 */
function sendWindow(): { window: RequestWindow; slots: Gate } {
  const window = new RequestWindow(WINDOW_START, MAX_WINDOW);
  return { window, slots: new Gate(window.size) };
}

interface Sending {
  window: RequestWindow;
  slots: Gate;
  signal: AbortSignal;
}

/** Stages one block once its MD5 is known, streaming its range of the file; journaled once acknowledged. */
async function sendBlock(
  job: UploadState,
  blob: BlockBlobClient,
  ctx: RunContext,
  block: { index: number; offset: number; length: number },
  digest: Promise<Buffer | undefined>,
  { window, slots, signal }: Sending,
): Promise<void> {
  const md5 = await digest;
  const id = blockId(job.id, block.index);
  const body = blockStream(job.filePath, block.offset, block.length);
  await slots.acquire(1, signal);
  try {
    await ctx.pool.account(block.length, signal);
    const started = performance.now();
    await ctx.request(
      'putBlock',
      (abortSignal, watch) => blob.stageBlock(id, body, block.length, { transactionalContentMD5: md5, abortSignal, onProgress: watch.moved }),
      signal,
    );
    window.done(block.length, performance.now() - started);
    slots.setLimit(window.size);
  } catch (err) {
    throw isMd5Mismatch(err) ? fileChanged(job.filePath) : err;
  } finally {
    slots.release(1);
  }
  ctx.journal?.markStaged(job.id, block.index);
  job.staged.add(block.index);
  ctx.progress(block.length);
}

function isConflict(err: unknown): boolean {
  return err instanceof RestError && (err.statusCode === 409 || err.statusCode === 412);
}

function notFound(err: unknown): boolean {
  return err instanceof RestError && err.statusCode === 404;
}

// Create-only puts stay conditional (If-None-Match: *): measured on Azurite they cost no more than
// unconditional ones (about 2 ms of its CPU per 4 KiB Put Blob either way, growing with the blobs
// in the container), and the service's check is the only one without a window between looking and
// writing. Listing the prefix first and then putting unconditionally would add a request and still
// overwrite a blob created after the listing, which the user did not choose to replace.
function conditions(job: UploadState) {
  return job.overwriteEtag ? { ifMatch: job.overwriteEtag } : { ifNoneMatch: '*' };
}

async function readFully(handle: FileHandle, buffer: Buffer, position: number): Promise<void> {
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, position + filled);
    if (bytesRead === 0) throw new StratusError({ code: 'CORRUPT_DATA', message: 'The file became shorter while it was being read.' });
    filled += bytesRead;
  }
}

/** The source's size and mtime, from `stat` or from an open handle's; refused when it is not a readable file. */
export async function statSource(filePath: string, read: () => Promise<Stats> = () => stat(filePath)): Promise<{ size: number; mtimeMs: number }> {
  try {
    const s = await read();
    if (!s.isFile()) throw new StratusError({ code: 'INVALID_ARGUMENT', message: `${filePath} is not a file.` });
    return { size: s.size, mtimeMs: Math.floor(s.mtimeMs) };
  } catch (err) {
    throw err instanceof StratusError ? err : notReadable(filePath, err);
  }
}

function notReadable(filePath: string, err: unknown): StratusError {
  return new StratusError({ code: 'NOT_FOUND', message: `Cannot read ${filePath}: ${(err as Error).message}` });
}

/** The file changed: what was staged is worth nothing and the job starts over. */
function restartFromZero(job: UploadState, ctx: RunContext, source: { size: number; mtimeMs: number }, reason: string): void {
  job.size = source.size;
  job.mtimeMs = source.mtimeMs;
  job.blockSize = blockSizeFor(source.size);
  job.staged.clear();
  job.checkService = false;
  job.restartReason = reason;
  ctx.journal?.clearStaged(job.id);
}

export function describeChange(before: { size: number; mtimeMs: number }, now: { size: number; mtimeMs: number }): string | null {
  if (before.size !== now.size) return `The file changed since the upload started (size ${before.size} → ${now.size} bytes), so it is sent again from the start.`;
  if (before.mtimeMs !== now.mtimeMs) return 'The file was modified since the upload started, so it is sent again from the start.';
  return null;
}

export async function runUpload(job: UploadState, ctx: RunContext): Promise<JobOutcome & { restarted?: boolean }> {
  for (let round = 0; round <= MAX_SOURCE_RESTARTS; round++) {
    const blob = job.container.getBlockBlobClient(job.blobName);
    // A small file is checked through the handle it is read with (putWhole): one system call fewer per file.
    if (job.size > SINGLE_PUT_LIMIT) {
      const source = await statSource(job.filePath);
      const change = describeChange(job, source);
      if (change) restartFromZero(job, ctx, source, change);
    }
    const outcome = job.size <= SINGLE_PUT_LIMIT ? await putWhole(job, blob, ctx) : await putBlocks(job, blob, ctx);
    if (outcome !== 'source changed') return outcome;
  }
  throw new StratusError({ code: 'CORRUPT_DATA', message: `${job.filePath} kept changing while it was uploaded; upload it again once it is written.` });
}

/** Opens the file and says whether it is still what was queued; if not, the job starts over with its new size. */
async function openSource(job: UploadState, ctx: RunContext): Promise<FileHandle | 'source changed'> {
  const handle = await open(job.filePath, 'r').catch((err: unknown) => {
    throw notReadable(job.filePath, err);
  });
  let now: { size: number; mtimeMs: number };
  try {
    now = await statSource(job.filePath, () => handle.stat());
  } catch (err) {
    await handle.close();
    throw err;
  }
  const change = describeChange(job, now);
  if (!change) return handle;
  await handle.close();
  restartFromZero(job, ctx, now, change);
  return 'source changed';
}

async function putWhole(job: UploadState, blob: BlockBlobClient, ctx: RunContext): Promise<JobOutcome | 'source changed'> {
  const handle = await openSource(job, ctx);
  if (handle === 'source changed') return handle;
  try {
    await ctx.pool.buffers.acquire(job.size, ctx.signal);
  } catch (err) {
    await handle.close();
    throw err;
  }
  try {
    const data = Buffer.allocUnsafe(job.size);
    try {
      await readFully(handle, data, 0);
    } finally {
      await handle.close();
    }
    // What was read and its MD5 travel together, so even a file written meanwhile makes a consistent blob.
    const md5 = await ctx.md5.digest(data);
    await ctx.pool.account(job.size, ctx.signal);
    await ctx.request('putBlob', (abortSignal, watch) =>
      blob.upload(data, data.length, { blobHTTPHeaders: { blobContentMD5: md5 }, conditions: conditions(job), abortSignal, onProgress: watch.moved }),
    );
    ctx.progress(job.size);
    return { kind: 'done' };
  } catch (err) {
    if (isConflict(err)) return { kind: 'conflict', conflict: await describeExisting(blob, ctx) };
    throw err;
  } finally {
    ctx.pool.buffers.release(job.size);
  }
}

/** Which blocks the service already holds for this job, judged by id and length. */
async function stagedOnService(job: UploadState, blob: BlockBlobClient, ctx: RunContext, count: number): Promise<Set<number>> {
  let listed: Map<string, number>;
  try {
    const list = await ctx.request('other', (abortSignal) => blob.getBlockList('uncommitted', { abortSignal }));
    listed = new Map((list.uncommittedBlocks ?? []).map((b) => [b.name, b.size]));
  } catch (err) {
    if (!notFound(err)) throw err;
    listed = new Map();
  }
  const present = new Set<number>();
  for (let i = 0; i < count; i++) {
    if (listed.get(blockId(job.id, i)) === blockRange(i, job.size, job.blockSize).length) present.add(i);
  }
  return present;
}

async function putBlocks(job: UploadState, blob: BlockBlobClient, ctx: RunContext): Promise<JobOutcome | 'source changed'> {
  ctx.md5.warm();
  if (!job.overwriteEtag) {
    // Ask first, so a name that is taken costs one request, not the whole file.
    try {
      return { kind: 'conflict', conflict: await describeExisting(blob, ctx) };
    } catch (err) {
      if (!notFound(err)) throw err;
    }
  }
  const count = blockCount(job.size, job.blockSize);
  if (job.checkService) {
    const present = await stagedOnService(job, blob, ctx, count);
    if (job.staged.size > 0 && present.size === 0) {
      job.restartReason = 'The service no longer holds the blocks staged before (uncommitted blocks expire after a week), so the file is sent again from the start.';
      ctx.journal?.clearStaged(job.id);
    }
    for (const i of present) if (!job.staged.has(i)) ctx.journal?.markStaged(job.id, i);
    job.staged = present;
  }
  job.checkService = true;
  for (const i of job.staged) ctx.progress(blockRange(i, job.size, job.blockSize).length, true);

  const local = new AbortController();
  setMaxListeners(0, local.signal);
  const stop = () => local.abort(ctx.signal.reason);
  ctx.signal.addEventListener('abort', stop, { once: true });
  const whole = ctx.md5.stream();
  const inflight = new Set<Promise<void>>();
  const { window, slots } = sendWindow();
  const ahead = new Gate(HASH_LEAD);
  let failure: unknown;
  const handle = await open(job.filePath, 'r');
  try {
    for (let i = 0; i < count && failure === undefined; i++) {
      const { offset, length } = blockRange(i, job.size, job.blockSize);
      await ahead.acquire(1, local.signal);
      await ctx.pool.buffers.acquire(length, local.signal);
      let tracked = false;
      try {
        const data = ctx.buffers.take(length);
        await readFully(handle, data, offset);
        // The whole file's MD5 needs every byte in order, staged before or not. The thread takes
        // updates in the order they are posted; the block's buffer is free once both hashes are done.
        const hashes = Promise.allSettled([whole.update(data), job.staged.has(i) ? undefined : ctx.md5.digest(data)]);
        const hashed = hashes.then(([updated, digest]) => {
          ctx.buffers.give(data);
          ctx.pool.buffers.release(length);
          if (updated.status === 'rejected') throw updated.reason;
          if (digest.status === 'rejected') throw digest.reason;
          return digest.value;
        });
        tracked = true;
        const step = job.staged.has(i) ? hashed.then(() => undefined) : sendBlock(job, blob, ctx, { index: i, offset, length }, hashed, { window, slots, signal: local.signal });
        const settled = step
          .catch((err: unknown) => {
            failure ??= err;
            local.abort(err);
          })
          .finally(() => {
            ahead.release(1);
            inflight.delete(settled);
          });
        inflight.add(settled);
      } finally {
        if (!tracked) {
          ctx.pool.buffers.release(length);
          ahead.release(1);
        }
      }
    }
  } catch (err) {
    failure ??= err;
    local.abort(err);
  } finally {
    await Promise.all(inflight);
    await handle.close();
    ctx.signal.removeEventListener('abort', stop);
  }
  // The digest also ends the running hash in the worker, whether or not it is used.
  const fileMd5 = await whole.digest();
  if (ctx.signal.aborted) throw ctx.signal.reason as Error;
  if (failure !== undefined) throw failure;
  if (describeChange(job, await statSource(job.filePath))) return 'source changed';

  const ids = Array.from({ length: count }, (_, i) => blockId(job.id, i));
  try {
    await ctx.request('commitBlockList', (abortSignal) =>
      blob.commitBlockList(ids, { blobHTTPHeaders: { blobContentMD5: fileMd5 }, conditions: conditions(job), abortSignal }),
    );
  } catch (err) {
    if (isConflict(err)) return { kind: 'conflict', conflict: await describeExisting(blob, ctx) };
    throw err;
  }
  return { kind: 'done' };
}
