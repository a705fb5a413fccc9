import type { BlockBlobClient } from '@azure/storage-blob';
import type { ConflictInfo } from '../../shared/schemas/transfer.js';
import type { TransferJournal } from './journal.js';
import type { BufferPool } from './buffer-pool.js';
import type { Md5Pool } from './md5-pool.js';
import type { RequestPool } from './request-pool.js';
import { isThrottle, withRetry, type RetryOptions } from './retry.js';
import { watchTry, type TryWatch } from './stall-watch.js';

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
  /**
   * Sends one request in a pool slot, retrying transient failures; counted by kind. `signal` narrows the job's.
   * Each try runs under the stall watchdog (stall-watch.ts): `watch` is told of bytes moved and of waits off the wire.
   */
  request<T>(kind: RequestKind, fn: (signal: AbortSignal, watch: TryWatch) => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Bytes done (negative: taken back); `resumed` for what an earlier run had already moved, which no rate counts. */
  progress(bytes: number, resumed?: boolean): void;
  journal: TransferJournal | undefined;
  md5: Md5Pool;
  buffers: BufferPool;
}

/** What every job's context shares with the others. */
export interface SharedRunParts {
  pool: RequestPool;
  journal: TransferJournal | undefined;
  md5: Md5Pool;
  buffers: BufferPool;
  stats: TransferStats;
  retry: RetryOptions;
  /** A try that moves no byte for this long is aborted and retried; 0 for no watchdog. */
  stallTimeoutMs: number;
  /** Told of each throttled request, so the request limit backs off. */
  throttled(): void;
}

/** One job's context: its requests take a pool slot, are retried and counted, and report to the job. */
export function runContext(shared: SharedRunParts, signal: AbortSignal, job: { progress(bytes: number, resumed?: boolean): void; retried(err: unknown): void }): RunContext {
  const { pool, stats } = shared;
  return {
    signal,
    pool,
    journal: shared.journal,
    md5: shared.md5,
    buffers: shared.buffers,
    progress: job.progress,
    request: <T>(kind: RequestKind, fn: (signal: AbortSignal, watch: TryWatch) => Promise<T>, override?: AbortSignal) => {
      const requestSignal = override ?? signal;
      return withRetry(
        () =>
          pool.run(requestSignal, () => {
            if (kind !== 'other') stats[kind]++;
            return watchTry(shared.stallTimeoutMs, requestSignal, fn);
          }),
        {
          signal: requestSignal,
          options: shared.retry,
          onRetry: (err) => {
            job.retried(err);
            if (isThrottle(err)) {
              stats.throttled++;
              shared.throttled();
            }
          },
        },
      );
    },
  };
}

/** Why a job's signal was aborted when the user paused or cancelled it. */
export class Stop extends Error {
  constructor(readonly why: 'paused' | 'cancelled') {
    super(`The transfer was ${why}.`);
    this.name = 'AbortError';
  }
}

export type JobOutcome = { kind: 'done' } | { kind: 'conflict'; conflict: ConflictInfo };

/** The blob's state when a create-only or conditional write was refused. */
export async function describeExisting(blob: BlockBlobClient, ctx: RunContext): Promise<ConflictInfo> {
  const props = await ctx.request('other', (abortSignal) => blob.getProperties({ abortSignal }));
  return { etag: props.etag ?? '', size: props.contentLength ?? 0, lastModified: props.lastModified?.toISOString() ?? null };
}
