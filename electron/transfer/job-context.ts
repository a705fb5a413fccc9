import type { BlockBlobClient } from '@azure/storage-blob';
import type { ConflictInfo } from '../../shared/schemas/transfer.js';
import type { TransferJournal } from './journal.js';
import type { BufferPool } from './buffer-pool.js';
import type { Md5Pool } from './md5-pool.js';
import type { RequestPool } from './request-pool.js';

// What a running job gets from the engine: its stop signal, the shared pool, requests with
// retries, progress reporting and the journal.

export interface TransferStats {
  putBlob: number;
  putBlock: number;
  commitBlockList: number;
  rangeGet: number;
  retries: number;
  throttled: number;
}

export type RequestKind = 'putBlob' | 'putBlock' | 'commitBlockList' | 'rangeGet' | 'other';

export interface RunContext {
  signal: AbortSignal;
  pool: RequestPool;
  /** Sends one request in a pool slot, retrying transient failures; counted by kind. `signal` narrows the job's. */
  request<T>(kind: RequestKind, fn: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T>;
  progress(bytes: number): void;
  retried(): void;
  journal: TransferJournal | undefined;
  md5: Md5Pool;
  buffers: BufferPool;
}

export type JobOutcome = { kind: 'done' } | { kind: 'conflict'; conflict: ConflictInfo };

/** The blob's state when a create-only or conditional write was refused. */
export async function describeExisting(blob: BlockBlobClient, ctx: RunContext): Promise<ConflictInfo> {
  const props = await ctx.request('other', (abortSignal) => blob.getProperties({ abortSignal }));
  return { etag: props.etag ?? '', size: props.contentLength ?? 0, lastModified: props.lastModified?.toISOString() ?? null };
}
