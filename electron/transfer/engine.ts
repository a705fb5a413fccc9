import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';
import { stat } from 'node:fs/promises';
import type { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import type {
  ConflictChoice,
  ConflictInfo,
  JobSelector,
  TransferJob,
  TransferList,
  TransferProgress,
  TransferTotals,
  UnfinishedJob,
} from '../../shared/schemas/transfer.js';
import { StratusError } from '../../shared/errors.js';
import { toAzureError } from '../azure/errors.js';
import type { BlobContainerLocation } from '../core/blob-location.js';
import { blockSizeFor, MiB } from './block-plan.js';
import { ConcurrencyTuner, defaultStart } from './concurrency-tuner.js';
import { discardTemp, runDownload, tempPathFor, type DownloadState } from './download-job.js';
import type { JobOutcome, RequestKind, RunContext, TransferStats } from './job-context.js';
import { TransferJournal } from './journal.js';
import { Md5Pool } from './md5-pool.js';
import { BufferPool } from './buffer-pool.js';
import { RequestPool } from './request-pool.js';
import { DEFAULT_RETRY, isThrottle, withRetry, type RetryOptions } from './retry.js';
import { numberedName } from './safe-path.js';
import { transferServiceClient } from './transfer-client.js';
import { describeChange, runUpload, statSource, type UploadState } from './upload-job.js';

// The transfer engine: one queue for every upload and download, one request pool with a tuned
// global limit, a journal for resuming after a crash, and the job states the activity panel shows.

export interface EngineOptions {
  /** The journal's sqlite file (`transfers.db` in user data); none keeps jobs in memory only. */
  journalFile?: string;
  /** Upper bound on requests in flight (settings); the tuner starts near 32 and moves below it. */
  maxConcurrency?: number;
  /** A fixed request limit instead of the tuner (tests and benchmarks of a known setting). */
  fixedConcurrency?: number;
  /** Bytes of file data held in memory at once. */
  bufferBudget?: number;
  /** Bytes per second over all transfers; 0 or absent for no cap. */
  bandwidth?: number;
  /** Jobs running at once; each waits for request slots in the pool. */
  maxActiveJobs?: number;
  retry?: RetryOptions;
  progressIntervalMs?: number;
  onProgress?(progress: TransferProgress): void;
}

interface Target extends BlobContainerLocation {
  workspaceId: string;
}

export interface UploadSpec extends Target {
  blobName: string;
  filePath: string;
}

export interface DownloadSpec extends Target {
  blobName: string;
  /** The local file to create (already made safe and inside the chosen folder: see safe-path.ts). */
  filePath: string;
}

type Job =
  | {
      kind: 'upload';
      view: TransferJob;
      endpoint: string;
      state: UploadState;
      controller?: AbortController;
      samples: Sample[];
      /** The blob name asked for, before any "keep both" renaming. */
      requestedName: string;
      copyNumber?: number;
    }
  | { kind: 'download'; view: TransferJob; endpoint: string; state: DownloadState; controller?: AbortController; samples: Sample[] };

interface Sample {
  at: number;
  bytes: number;
}

class Stop extends Error {
  constructor(readonly why: 'paused' | 'cancelled') {
    super(`The transfer was ${why}.`);
    this.name = 'AbortError';
  }
}

const NOTHING_KEPT = 'Nothing of this download was kept, so it starts again from the beginning.';

/** A download that wrote whole ranges before it stopped, and whose temporary file is still there, continues. */
async function continuableDownload(row: { id: string; localPath: string; etag: string | null; stagedBlocks: number }): Promise<boolean> {
  if (row.etag === null || row.stagedBlocks === 0) return false;
  return stat(tempPathFor(row.localPath, row.id)).then((s) => s.isFile(), () => false);
}

const RATE_WINDOW_MS = 3000;
/** Finished jobs kept for the activity panel: beyond it the oldest successful ones are dropped, failures stay until cleared. */
const MAX_DONE_KEPT = 2000;
// 8 blocks of 8 MiB in flight: as fast here as 16 (Azurite's CPU is the limit), and the engine's
// process stays under 300 MiB at its peak (bench: peak RSS of a process running only the engine).
const DEFAULT_BUFFER_BUDGET = 64 * MiB;
const BUFFER_RELEASE_MS = 30_000;
export const DEFAULT_MAX_CONCURRENCY = 256;
const ACTIVE: ReadonlySet<TransferJob['state']> = new Set(['queued', 'running']);
const FINISHED: ReadonlySet<TransferJob['state']> = new Set(['done', 'failed', 'cancelled']);

export class TransferEngine {
  readonly stats: TransferStats = { putBlob: 0, putBlock: 0, commitBlockList: 0, rangeGet: 0, retries: 0, throttled: 0 };
  private readonly jobs = new Map<string, Job>();
  private readonly queue: Job[] = [];
  private running = 0;
  private readonly pool: RequestPool;
  private readonly tuner: ConcurrencyTuner | undefined;
  private readonly journal: TransferJournal | undefined;
  private readonly clients = new WeakMap<BlobServiceClient, BlobServiceClient>();
  private readonly dirty = new Set<Job>();
  /** Jobs dropped from the list since the last progress event. */
  private readonly removed = new Set<string>();
  private progressTimer: NodeJS.Timeout | undefined;
  private totalSamples: Sample[] = [];
  private conflictPolicy: ConflictChoice | undefined;
  private idleWaiters: (() => void)[] = [];
  private readonly maxActiveJobs: number;
  private readonly retry: RetryOptions;
  private readonly md5 = new Md5Pool();
  private readonly buffers: BufferPool;
  private releaseTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: EngineOptions = {}) {
    const max = options.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY;
    const start = options.fixedConcurrency ?? defaultStart(availableParallelism(), max);
    this.pool = new RequestPool({ concurrency: start, bufferBudget: options.bufferBudget ?? DEFAULT_BUFFER_BUDGET, bandwidth: options.bandwidth ?? 0 });
    this.tuner = options.fixedConcurrency ? undefined : new ConcurrencyTuner(this.pool, { start, min: 4, max, step: 8, intervalMs: 1000 });
    this.journal = options.journalFile ? new TransferJournal(options.journalFile) : undefined;
    this.maxActiveJobs = options.maxActiveJobs ?? 256;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.buffers = new BufferPool(options.bufferBudget ?? DEFAULT_BUFFER_BUDGET);
  }

  /** Settings changed: a new upper bound on requests and a bandwidth cap (bytes/s, 0 for none). */
  setLimits(limits: { maxConcurrency?: number; bandwidth?: number }): void {
    if (limits.maxConcurrency !== undefined) this.tuner?.setMax(limits.maxConcurrency);
    if (limits.bandwidth !== undefined) this.pool.setBandwidth(limits.bandwidth);
  }

  get concurrency(): number {
    return this.pool.requests.limit;
  }

  async enqueueUpload(spec: UploadSpec): Promise<string> {
    const { size, mtimeMs } = await statSource(spec.filePath);
    const id = randomUUID();
    const state: UploadState = {
      id,
      container: this.containerFor(spec),
      blobName: spec.blobName,
      filePath: spec.filePath,
      size,
      mtimeMs,
      blockSize: blockSizeFor(size),
      staged: new Set(),
      checkService: false,
      overwriteEtag: undefined,
      restartReason: null,
    };
    this.journal?.record({ id, kind: 'upload', endpoint: spec.endpoint, container: spec.container, blobName: spec.blobName, localPath: spec.filePath, size, mtimeMs, blockSize: state.blockSize, createdAt: Date.now() });
    this.add({ kind: 'upload', view: this.newView(id, 'upload', spec, size), endpoint: spec.endpoint, state, samples: [], requestedName: spec.blobName });
    return id;
  }

  enqueueDownload(spec: DownloadSpec): string {
    const id = randomUUID();
    const state: DownloadState = {
      id,
      container: this.containerFor(spec),
      blobName: spec.blobName,
      localPath: spec.filePath,
      targetChosen: false,
      size: 0,
      etag: undefined,
      doneRanges: new Set(),
      restartReason: null,
    };
    this.journal?.record({ id, kind: 'download', endpoint: spec.endpoint, container: spec.container, blobName: spec.blobName, localPath: spec.filePath, size: 0, mtimeMs: 0, blockSize: 0, createdAt: Date.now() });
    this.add({ kind: 'download', view: this.newView(id, 'download', spec, 0), endpoint: spec.endpoint, state, samples: [] });
    return id;
  }

  /** A download refused before it starts (an unsafe blob name): shown failed, with the reason. */
  addRefused(spec: DownloadSpec, message: string): string {
    const id = randomUUID();
    const view: TransferJob = { ...this.newView(id, 'download', spec, 0), state: 'failed', error: { code: 'INVALID_ARGUMENT', message }, finishedAt: new Date().toISOString() };
    const state: DownloadState = { id, container: this.containerFor(spec), blobName: spec.blobName, localPath: spec.filePath, targetChosen: false, size: 0, etag: undefined, doneRanges: new Set(), restartReason: null };
    const job: Job = { kind: 'download', view, endpoint: spec.endpoint, state, samples: [] };
    this.jobs.set(id, job);
    this.touch(job);
    return id;
  }

  job(id: string): TransferJob {
    return { ...this.get(id).view };
  }

  list(): TransferList {
    return { jobs: [...this.jobs.values()].map((j) => ({ ...j.view })), totals: this.totals() };
  }

  pause(selector: JobSelector): number {
    return this.select(selector).filter((job) => {
      if (!ACTIVE.has(job.view.state)) return false;
      this.stop(job, 'paused');
      return true;
    }).length;
  }

  resume(selector: JobSelector): number {
    return this.select(selector).filter((job) => {
      if (job.view.state !== 'paused') return false;
      this.requeue(job);
      return true;
    }).length;
  }

  cancel(selector: JobSelector): number {
    return this.select(selector).filter((job) => {
      if (FINISHED.has(job.view.state)) return false;
      this.stop(job, 'cancelled');
      return true;
    }).length;
  }

  retryJob(jobId: string): number {
    const job = this.get(jobId);
    if (job.view.state !== 'failed' && job.view.state !== 'cancelled') return 0;
    if (job.view.state === 'cancelled') this.recordAgain(job);
    this.requeue(job);
    return 1;
  }

  /** Drops finished jobs (done, failed, cancelled) from the list; a selector narrows which. */
  clearFinished(selector: JobSelector = { all: true }): number {
    const finished = this.select(selector).filter((job) => FINISHED.has(job.view.state));
    for (const job of finished) {
      this.forget(job);
      // A failed job kept its journal row (and a download its partial file) for Retry; cleared, nothing can
      // continue it, and it must not come back as unfinished "from last time".
      if (job.view.state === 'failed') void this.discardRecords(job);
    }
    this.flushProgress();
    return finished.length;
  }

  /** Settles one conflict, or with applyToAll every conflict now waiting and those still to come. */
  resolveConflict(jobId: string, choice: ConflictChoice, applyToAll: boolean): number {
    const job = this.get(jobId);
    if (job.view.state !== 'conflict') return 0;
    if (applyToAll) this.conflictPolicy = choice;
    const targets = applyToAll ? [...this.jobs.values()].filter((j) => j.view.state === 'conflict') : [job];
    for (const target of targets) this.settle(target, choice);
    return targets.length;
  }

  /** Without a question: what every conflict gets (the CLI's --on-conflict), until set back to undefined. */
  setConflictPolicy(choice: ConflictChoice | undefined): void {
    this.conflictPolicy = choice;
  }

  /** Jobs the journal holds that this session has not loaded: left by an earlier run that did not finish. */
  async unfinished(): Promise<UnfinishedJob[]> {
    if (!this.journal) return [];
    const out: UnfinishedJob[] = [];
    for (const row of this.journal.jobs()) {
      if (this.jobs.has(row.id)) continue;
      let restartReason: string | null = null;
      if (row.kind === 'download') restartReason = (await continuableDownload(row)) ? null : NOTHING_KEPT;
      else {
        const now = await statSource(row.localPath).catch(() => undefined);
        restartReason = now ? describeChange(row, now) : `${row.localPath} is gone: the upload cannot continue.`;
      }
      out.push({
        id: row.id,
        kind: row.kind,
        endpoint: row.endpoint,
        container: row.container,
        blobName: row.blobName,
        localPath: row.localPath,
        bytes: row.size,
        bytesStaged: Math.min(row.size, row.stagedBlocks * row.blockSize),
        restartReason,
        createdAt: new Date(row.createdAt).toISOString(),
      });
    }
    return out;
  }

  /** Loads unfinished jobs on this workspace's endpoint back into the queue; uploads continue from their staged blocks. */
  async resumeUnfinished(target: Omit<Target, 'container'>, jobIds?: string[]): Promise<string[]> {
    if (!this.journal) return [];
    const wanted = jobIds ? new Set(jobIds) : undefined;
    const resumed: string[] = [];
    for (const row of this.journal.jobs()) {
      if (this.jobs.has(row.id) || (wanted && !wanted.has(row.id)) || row.endpoint !== target.endpoint) continue;
      const spec = { ...target, container: row.container };
      const container = this.containerFor(spec);
      if (row.kind === 'download') {
        const kept = await continuableDownload(row);
        const state: DownloadState = {
          id: row.id,
          container,
          blobName: row.blobName,
          localPath: row.localPath,
          targetChosen: kept,
          size: kept ? row.size : 0,
          etag: kept ? (row.etag ?? undefined) : undefined,
          doneRanges: new Set(kept ? this.journal.stagedBlocks(row.id) : []),
          restartReason: kept ? null : NOTHING_KEPT,
        };
        if (!kept) await discardTemp(state);
        this.add({ kind: 'download', view: this.newView(row.id, 'download', { ...spec, blobName: row.blobName, filePath: row.localPath }, 0), endpoint: row.endpoint, state, samples: [] });
      } else {
        const state: UploadState = {
          id: row.id,
          container,
          blobName: row.blobName,
          filePath: row.localPath,
          size: row.size,
          mtimeMs: row.mtimeMs,
          blockSize: row.blockSize || blockSizeFor(row.size),
          staged: new Set(this.journal.stagedBlocks(row.id)),
          checkService: true,
          overwriteEtag: undefined,
          restartReason: null,
        };
        this.add({ kind: 'upload', view: this.newView(row.id, 'upload', { ...spec, blobName: row.blobName, filePath: row.localPath }, row.size), endpoint: row.endpoint, state, samples: [], requestedName: row.blobName });
      }
      resumed.push(row.id);
    }
    return resumed;
  }

  async discardUnfinished(jobIds?: string[]): Promise<number> {
    if (!this.journal) return 0;
    const wanted = jobIds ? new Set(jobIds) : undefined;
    let count = 0;
    for (const row of this.journal.jobs()) {
      if (this.jobs.has(row.id) || (wanted && !wanted.has(row.id))) continue;
      if (row.kind === 'download') await discardTemp({ localPath: row.localPath, id: row.id } as DownloadState);
      this.journal.remove(row.id);
      count++;
    }
    return count;
  }

  /** Resolves when nothing is queued or running (jobs may still wait on a conflict or be paused). */
  idle(): Promise<void> {
    if (this.running === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    for (const job of this.jobs.values()) if (ACTIVE.has(job.view.state)) this.stop(job, 'paused');
    this.tuner?.stop();
    clearInterval(this.progressTimer);
    clearTimeout(this.releaseTimer);
    this.pool.close();
    this.md5.close();
    this.journal?.close();
  }

  private get(id: string): Job {
    const job = this.jobs.get(id);
    if (!job) throw new StratusError({ code: 'NOT_FOUND', message: 'No such transfer: it may have been cleared.' });
    return job;
  }

  private select(selector: JobSelector): Job[] {
    return 'jobId' in selector ? [this.get(selector.jobId)] : [...this.jobs.values()];
  }

  private containerFor(target: Target): ContainerClient {
    let client = this.clients.get(target.service);
    if (!client) {
      client = transferServiceClient(target.service, this.pool);
      this.clients.set(target.service, client);
    }
    return client.getContainerClient(target.container);
  }

  private newView(id: string, kind: 'upload' | 'download', spec: Omit<Target, 'service'> & { blobName: string; filePath: string }, bytes: number): TransferJob {
    const remote = `${spec.container}/${spec.blobName}`;
    return {
      id,
      kind,
      workspaceId: spec.workspaceId,
      source: kind === 'upload' ? spec.filePath : remote,
      target: kind === 'upload' ? remote : spec.filePath,
      container: spec.container,
      blobName: spec.blobName,
      localPath: spec.filePath,
      bytes,
      bytesDone: 0,
      rate: 0,
      etaSeconds: null,
      state: 'queued',
      error: null,
      conflict: null,
      resolution: null,
      retries: 0,
      restartReason: null,
      createdAt: new Date().toISOString(),
      finishedAt: null,
    };
  }

  private add(job: Job): void {
    this.jobs.set(job.view.id, job);
    this.queue.push(job);
    this.touch(job);
    this.pump();
  }

  private recordAgain(job: Job): void {
    const s = job.state;
    if (job.kind === 'upload') {
      const u = job.state;
      this.journal?.record({ id: u.id, kind: 'upload', endpoint: job.endpoint, container: job.view.container, blobName: u.blobName, localPath: u.filePath, size: u.size, mtimeMs: u.mtimeMs, blockSize: u.blockSize, createdAt: Date.now() });
    } else {
      this.journal?.record({ id: s.id, kind: 'download', endpoint: job.endpoint, container: job.view.container, blobName: s.blobName, localPath: job.view.localPath, size: 0, mtimeMs: 0, blockSize: 0, createdAt: Date.now() });
    }
  }

  private requeue(job: Job): void {
    Object.assign(job.view, { state: 'queued', error: null, finishedAt: null });
    this.queue.push(job);
    this.touch(job);
    this.pump();
  }

  private stop(job: Job, why: 'paused' | 'cancelled'): void {
    const wasQueued = job.view.state === 'queued';
    job.view.state = why;
    if (why === 'cancelled') job.view.finishedAt = new Date().toISOString();
    if (wasQueued) {
      const at = this.queue.indexOf(job);
      if (at >= 0) this.queue.splice(at, 1);
    }
    job.controller?.abort(new Stop(why));
    if (why === 'cancelled' && !job.controller) void this.discardRecords(job);
    this.touch(job);
    this.checkIdle();
  }

  /** Nothing can continue the job any more: its journal row and a download's partial file go. */
  private async discardRecords(job: Job): Promise<void> {
    this.journal?.remove(job.view.id);
    if (job.kind === 'download') await discardTemp(job.state).catch(() => undefined);
  }

  private settle(job: Job, choice: ConflictChoice): void {
    job.view.resolution = choice;
    if (job.kind !== 'upload') return;
    const conflict = job.view.conflict;
    if (choice === 'skip') {
      Object.assign(job.view, { state: 'done', finishedAt: new Date().toISOString() });
      this.journal?.remove(job.view.id);
      this.touch(job);
      this.checkIdle();
      return;
    }
    if (choice === 'overwrite') job.state.overwriteEtag = conflict?.etag;
    else this.renameForKeepBoth(job);
    job.view.conflict = null;
    this.requeue(job);
  }

  /** Keep both: the upload goes to the next "name (n).ext"; a taken one conflicts again and moves on by itself. */
  private renameForKeepBoth(job: Job & { kind: 'upload' }): void {
    job.copyNumber = (job.copyNumber ?? 0) + 1;
    job.state.blobName = numberedName(job.requestedName, job.copyNumber);
    job.state.overwriteEtag = undefined;
    // Blocks staged under the old name do not carry over to the new one.
    job.state.staged.clear();
    job.state.checkService = false;
    this.journal?.clearStaged(job.view.id);
    this.journal?.retarget(job.view.id, job.state.blobName);
    job.view.target = `${job.view.container}/${job.state.blobName}`;
  }

  private pump(): void {
    while (this.running < this.maxActiveJobs && this.queue.length > 0) {
      const job = this.queue.shift() as Job;
      if (job.view.state !== 'queued') continue;
      this.running++;
      void this.execute(job).finally(() => {
        this.running--;
        this.pump();
        this.checkIdle();
      });
    }
    if (this.running > 0) {
      clearTimeout(this.releaseTimer);
      this.tuner?.start();
      this.startProgress();
    }
  }

  private checkIdle(): void {
    if (this.running > 0 || this.queue.length > 0) return;
    this.tuner?.stop();
    // Buffers stay for what comes next (a download after an upload reuses them), then go once the engine has been idle a while.
    clearTimeout(this.releaseTimer);
    this.releaseTimer = setTimeout(() => this.buffers.clear(), BUFFER_RELEASE_MS);
    this.releaseTimer.unref();
    if (![...this.jobs.values()].some((j) => j.view.state === 'conflict')) this.conflictPolicy = undefined;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
    this.flushProgress();
  }

  private context(job: Job, signal: AbortSignal): RunContext {
    return {
      signal,
      pool: this.pool,
      journal: this.journal,
      md5: this.md5,
      buffers: this.buffers,
      progress: (bytes) => {
        job.view.bytesDone = Math.max(0, job.view.bytesDone + bytes);
        this.touch(job);
      },
      retried: () => this.countRetry(job),
      request: <T>(kind: RequestKind, fn: (signal: AbortSignal) => Promise<T>, override?: AbortSignal) => {
        const requestSignal = override ?? signal;
        return withRetry(
          () =>
            this.pool.run(requestSignal, () => {
              if (kind !== 'other') this.stats[kind]++;
              return fn(requestSignal);
            }),
          {
            signal: requestSignal,
            options: this.retry,
            onRetry: (err) => {
              this.countRetry(job);
              if (isThrottle(err)) {
                this.stats.throttled++;
                this.tuner?.throttled();
              }
            },
          },
        );
      },
    };
  }

  private countRetry(job: Job): void {
    this.stats.retries++;
    job.view.retries++;
    this.touch(job);
  }

  private async execute(job: Job): Promise<void> {
    const controller = new AbortController();
    // Every block or range of the job listens to this one signal.
    setMaxListeners(0, controller.signal);
    job.controller = controller;
    Object.assign(job.view, { state: 'running', bytesDone: 0, error: null });
    job.samples = [];
    this.touch(job);
    try {
      let outcome: JobOutcome;
      if (job.kind === 'upload') {
        outcome = await runUpload(job.state, this.context(job, controller.signal));
        Object.assign(job.view, { restartReason: job.state.restartReason, bytes: job.state.size, blobName: job.state.blobName });
      } else {
        outcome = await runDownload(job.state, this.context(job, controller.signal));
        Object.assign(job.view, { restartReason: job.state.restartReason, bytes: job.state.size, localPath: job.state.localPath, target: job.state.localPath });
      }
      if (outcome.kind === 'conflict') return this.conflicted(job, outcome.conflict);
      Object.assign(job.view, { state: 'done', bytesDone: job.view.bytes, finishedAt: new Date().toISOString() });
      this.journal?.remove(job.view.id);
    } catch (err) {
      if (controller.signal.aborted && controller.signal.reason instanceof Stop) {
        if (controller.signal.reason.why === 'cancelled') await this.discardRecords(job);
        return;
      }
      const shaped = toAzureError(err, { action: `${job.kind === 'upload' ? 'uploading' : 'downloading'} ${job.view.source}`, endpoint: job.endpoint, container: job.view.container });
      Object.assign(job.view, { state: 'failed', error: { code: shaped.code, message: shaped.message }, finishedAt: new Date().toISOString() });
    } finally {
      job.controller = undefined;
      job.view.restartReason = job.state.restartReason;
      this.touch(job);
    }
  }

  private conflicted(job: Job, conflict: ConflictInfo): void {
    Object.assign(job.view, { state: 'conflict', conflict, bytesDone: 0 });
    this.touch(job);
    // A "keep both" copy whose numbered name is taken too moves on to the next number without asking.
    const choice = job.view.resolution === 'keepBoth' ? 'keepBoth' : this.conflictPolicy;
    if (choice) this.settle(job, choice);
  }

  private touch(job: Job): void {
    this.dirty.add(job);
  }

  private forget(job: Job): void {
    this.jobs.delete(job.view.id);
    this.dirty.delete(job);
    this.removed.add(job.view.id);
  }

  /** A long session of many small uploads must not keep every finished job in memory and in each event's totals. */
  private pruneDone(): void {
    const done = [...this.jobs.values()].filter((job) => job.view.state === 'done');
    // The map keeps insertion order: the first are the oldest.
    for (const job of done.slice(0, Math.max(0, done.length - MAX_DONE_KEPT))) this.forget(job);
  }

  private startProgress(): void {
    if (this.progressTimer || !this.options.onProgress) return;
    this.progressTimer = setInterval(() => this.flushProgress(), this.options.progressIntervalMs ?? 200);
    this.progressTimer.unref();
  }

  private flushProgress(): void {
    const now = Date.now();
    for (const job of this.jobs.values()) {
      if (job.view.state !== 'running') continue;
      job.samples.push({ at: now, bytes: job.view.bytesDone });
      job.samples = job.samples.filter((s) => now - s.at <= RATE_WINDOW_MS);
      const first = job.samples[0];
      const rate = now > first.at ? ((job.view.bytesDone - first.bytes) * 1000) / (now - first.at) : 0;
      job.view.rate = Math.max(0, rate);
      job.view.etaSeconds = rate > 0 ? Math.max(0, (job.view.bytes - job.view.bytesDone) / rate) : null;
      this.dirty.add(job);
    }
    this.totalSamples.push({ at: now, bytes: this.pool.bytesMoved });
    this.totalSamples = this.totalSamples.filter((s) => now - s.at <= RATE_WINDOW_MS);
    this.pruneDone();
    if (this.dirty.size === 0 && this.removed.size === 0) return;
    const changed = [...this.dirty].map((j) => {
      if (j.view.state !== 'running') Object.assign(j.view, { rate: 0, etaSeconds: null });
      return { ...j.view };
    });
    this.dirty.clear();
    const removed = [...this.removed];
    this.removed.clear();
    this.options.onProgress?.({ jobs: changed, ...(removed.length > 0 ? { removed } : {}), totals: this.totals() });
    if (this.running === 0 && this.queue.length === 0) {
      clearInterval(this.progressTimer);
      this.progressTimer = undefined;
    }
  }

  private totals(): TransferTotals {
    const t: TransferTotals = { jobs: 0, queued: 0, running: 0, paused: 0, done: 0, failed: 0, cancelled: 0, conflicts: 0, bytes: 0, bytesDone: 0, rate: 0, etaSeconds: null, concurrency: this.pool.requests.limit, retries: this.stats.retries };
    for (const { view } of this.jobs.values()) {
      t.jobs++;
      if (view.state === 'conflict') t.conflicts++;
      else t[view.state]++;
      if (view.state !== 'cancelled') {
        t.bytes += view.bytes;
        t.bytesDone += view.bytesDone;
      }
    }
    const first = this.totalSamples[0];
    const last = this.totalSamples[this.totalSamples.length - 1];
    if (first && last && last.at > first.at) t.rate = ((last.bytes - first.bytes) * 1000) / (last.at - first.at);
    t.etaSeconds = t.rate > 0 && t.running + t.queued > 0 ? Math.max(0, t.bytes - t.bytesDone) / t.rate : null;
    return t;
  }
}
