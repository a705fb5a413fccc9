import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';
import type { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import { RETRY_REASON_MAX, type ConflictChoice, type JobSelector, type TransferJob, type TransferList, type UnfinishedJob } from '../../shared/schemas/transfer.js';
import { StratusError } from '../../shared/errors.js';
import { MiB } from './block-plan.js';
import { ConcurrencyTuner, defaultStart } from './concurrency-tuner.js';
import { ConflictDesk } from './conflicts.js';
import { discardTemp, runDownload } from './download-job.js';
import { runContext, Stop, type JobOutcome, type RunContext, type SharedRunParts, type TransferStats } from './job-context.js';
import { downloadJob, jobFailure, journalRow, uploadJob, type DownloadSpec, type Job, type JobPlace, type JobTarget, type UploadSpec } from './job-state.js';
import { TransferJournal } from './journal.js';
import { Md5Pool } from './md5-pool.js';
import { BufferPool } from './buffer-pool.js';
import { ProgressReporter, type ProgressOptions } from './progress.js';
import { RequestPool } from './request-pool.js';
import { discardUnfinished, resumedJobs, unfinishedJobs } from './resume.js';
import { DEFAULT_RETRY, type RetryOptions } from './retry.js';
import { DEFAULT_STALL_TIMEOUT_MS } from './stall-watch.js';
import { transferServiceClient } from './transfer-client.js';
import { runUpload, statSource } from './upload-job.js';

// The transfer engine: one queue for every upload and download and the states a job moves through,
// one request pool with a tuned global limit, and a journal for resuming after a crash. Progress
// events (progress.ts), resuming (resume.ts) and conflicts (conflicts.ts) have modules of their own.

export interface EngineOptions extends ProgressOptions {
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
  /** A request try that moves no byte for this long is aborted and retried (stall-watch.ts); 0 for never. */
  stallTimeoutMs?: number;
}

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
  /** Bytes the jobs reported moved (not resumed): the total rate's counter. */
  private bytesReported = 0;
  private readonly pool: RequestPool;
  private readonly tuner: ConcurrencyTuner | undefined;
  private readonly journal: TransferJournal | undefined;
  private readonly clients = new WeakMap<BlobServiceClient, BlobServiceClient>();
  private readonly progress: ProgressReporter;
  private readonly conflicts: ConflictDesk;
  private idleWaiters: (() => void)[] = [];
  private readonly maxActiveJobs: number;
  private readonly shared: SharedRunParts;
  private releaseTimer: NodeJS.Timeout | undefined;
  /** Whether this session holds the job: the journal's unfinished jobs are the others. */
  private readonly loaded = (id: string): boolean => this.jobs.has(id);

  constructor(options: EngineOptions = {}) {
    const max = options.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY;
    const start = options.fixedConcurrency ?? defaultStart(availableParallelism(), max);
    this.pool = new RequestPool({ concurrency: start, bufferBudget: options.bufferBudget ?? DEFAULT_BUFFER_BUDGET, bandwidth: options.bandwidth ?? 0 });
    this.tuner = options.fixedConcurrency ? undefined : new ConcurrencyTuner(this.pool, { start, min: 4, max, step: 8, intervalMs: 500 });
    this.journal = options.journalFile ? new TransferJournal(options.journalFile) : undefined;
    this.maxActiveJobs = options.maxActiveJobs ?? 256;
    this.shared = {
      pool: this.pool,
      journal: this.journal,
      md5: new Md5Pool(),
      buffers: new BufferPool(options.bufferBudget ?? DEFAULT_BUFFER_BUDGET),
      stats: this.stats,
      retry: options.retry ?? DEFAULT_RETRY,
      stallTimeoutMs: options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS,
      throttled: () => this.tuner?.throttled(),
    };
    const meter = {
      bytesMoved: () => this.bytesReported,
      concurrency: () => this.pool.requests.limit,
      retries: () => this.stats.retries,
      busy: () => this.running > 0 || this.queue.length > 0,
    };
    this.progress = new ProgressReporter(this.jobs, meter, options);
    this.conflicts = new ConflictDesk(this.journal, {
      touch: (job) => this.progress.touch(job),
      skipped: (job) => this.skipped(job),
      requeue: (job) => this.requeue(job),
    });
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
    const job = uploadJob(this.placeOf(spec), await statSource(spec.filePath));
    this.journal?.record(journalRow(job));
    this.add(job);
    return job.view.id;
  }

  enqueueDownload(spec: DownloadSpec): string {
    const job = downloadJob(this.placeOf(spec));
    this.journal?.record(journalRow(job));
    this.add(job);
    return job.view.id;
  }

  /** A download refused before it starts (an unsafe blob name): shown failed, with the reason. */
  addRefused(spec: DownloadSpec, message: string): string {
    const job = downloadJob(this.placeOf(spec));
    Object.assign(job.view, { state: 'failed', error: { code: 'INVALID_ARGUMENT', message }, finishedAt: new Date().toISOString() });
    this.jobs.set(job.view.id, job);
    this.progress.touch(job);
    return job.view.id;
  }

  job(id: string): TransferJob {
    return { ...this.get(id).view };
  }

  list(): TransferList {
    return { jobs: [...this.jobs.values()].map((j) => ({ ...j.view })), totals: this.progress.totals() };
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
    // A cancelled job left the journal; a failed one kept its row.
    if (job.view.state === 'cancelled') this.journal?.record(journalRow(job));
    this.requeue(job);
    return 1;
  }

  /** Drops finished jobs (done, failed, cancelled) from the list; a selector narrows which. */
  clearFinished(selector: JobSelector = { all: true }): number {
    const finished = this.select(selector).filter((job) => FINISHED.has(job.view.state));
    for (const job of finished) {
      this.progress.forget(job);
      // A failed job kept its journal row (and a download its partial file) for Retry; cleared, nothing can
      // continue it, and it must not come back as unfinished "from last time".
      if (job.view.state === 'failed') void this.discardRecords(job);
    }
    this.progress.flush();
    return finished.length;
  }

  /** Settles one conflict, or with applyToAll every conflict now waiting and those still to come. */
  resolveConflict(jobId: string, choice: ConflictChoice, applyToAll: boolean): number {
    const job = this.get(jobId);
    if (job.view.state !== 'conflict') return 0;
    return this.conflicts.resolve(job, this.waitingOnConflict(), choice, applyToAll);
  }

  /** Without a question: what every conflict gets (the CLI's --on-conflict), until set back to undefined. */
  setConflictPolicy(choice: ConflictChoice | undefined): void {
    this.conflicts.setPolicy(choice);
  }

  /** Jobs the journal holds that this session has not loaded: left by an earlier run that did not finish. */
  async unfinished(): Promise<UnfinishedJob[]> {
    return this.journal ? unfinishedJobs(this.journal, this.loaded) : [];
  }

  /** Loads unfinished jobs on this workspace's endpoint back into the queue; uploads continue from their staged blocks. */
  async resumeUnfinished(target: Omit<JobTarget, 'container'>, jobIds?: string[]): Promise<string[]> {
    if (!this.journal) return [];
    const resumed: string[] = [];
    const clientFor = (container: string) => this.containerFor({ ...target, container });
    for await (const job of resumedJobs(this.journal, { ...target, clientFor }, this.loaded, jobIds)) {
      this.add(job);
      resumed.push(job.view.id);
    }
    return resumed;
  }

  async discardUnfinished(jobIds?: string[]): Promise<number> {
    return this.journal ? discardUnfinished(this.journal, this.loaded, jobIds) : 0;
  }

  /** Resolves when nothing is queued or running (jobs may still wait on a conflict or be paused). */
  idle(): Promise<void> {
    if (this.running === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    for (const job of this.jobs.values()) if (ACTIVE.has(job.view.state)) this.stop(job, 'paused');
    this.tuner?.stop();
    this.progress.stop();
    clearTimeout(this.releaseTimer);
    this.pool.close();
    this.shared.md5.close();
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

  private waitingOnConflict(): Job[] {
    return [...this.jobs.values()].filter((j) => j.view.state === 'conflict');
  }

  private containerFor(target: JobTarget): ContainerClient {
    let client = this.clients.get(target.service);
    if (!client) {
      client = transferServiceClient(target.service, this.pool);
      this.clients.set(target.service, client);
    }
    return client.getContainerClient(target.container);
  }

  private placeOf(spec: UploadSpec | DownloadSpec): JobPlace {
    const { workspaceId, endpoint, container, blobName, filePath } = spec;
    return { id: randomUUID(), workspaceId, endpoint, container, client: this.containerFor(spec), blobName, localPath: filePath };
  }

  private add(job: Job): void {
    this.jobs.set(job.view.id, job);
    this.queue.push(job);
    this.progress.touch(job);
    this.pump();
  }

  private requeue(job: Job): void {
    Object.assign(job.view, { state: 'queued', error: null, finishedAt: null });
    this.queue.push(job);
    this.progress.touch(job);
    this.pump();
  }

  private skipped(job: Job): void {
    Object.assign(job.view, { state: 'done', finishedAt: new Date().toISOString() });
    this.journal?.remove(job.view.id);
    this.progress.touch(job);
    this.checkIdle();
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
    this.progress.touch(job);
    this.checkIdle();
  }

  /** Nothing can continue the job any more: its journal row and a download's partial file go. */
  private async discardRecords(job: Job): Promise<void> {
    this.journal?.remove(job.view.id);
    if (job.kind === 'download') await discardTemp(job.state).catch(() => undefined);
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
      this.progress.start();
    }
  }

  private checkIdle(): void {
    if (this.running > 0 || this.queue.length > 0) return;
    this.tuner?.stop();
    // Buffers stay for what comes next (a download after an upload reuses them), then go once the engine has been idle a while.
    clearTimeout(this.releaseTimer);
    this.releaseTimer = setTimeout(() => this.shared.buffers.clear(), BUFFER_RELEASE_MS);
    this.releaseTimer.unref();
    this.conflicts.idle(this.waitingOnConflict().length > 0);
    for (const resolve of this.idleWaiters.splice(0)) resolve();
    this.progress.flush();
  }

  private context(job: Job, signal: AbortSignal): RunContext {
    return runContext(this.shared, signal, {
      progress: (bytes, resumed) => {
        job.view.bytesDone = Math.max(0, job.view.bytesDone + bytes);
        // The pool counts bytes when they are queued for the cap, before they are sent; the rate counts them done.
        if (!resumed && bytes > 0) this.bytesReported += bytes;
        this.progress.touch(job);
      },
      retried: (err) => this.countRetry(job, err),
    });
  }

  private countRetry(job: Job, err: unknown): void {
    this.stats.retries++;
    job.view.retries++;
    // Shown in the job's row, so a slow transfer says why.
    job.view.retryReason = jobFailure(job, err).message.slice(0, RETRY_REASON_MAX);
    this.progress.touch(job);
  }

  private async execute(job: Job): Promise<void> {
    const controller = new AbortController();
    // Every block or range of the job listens to this one signal.
    setMaxListeners(0, controller.signal);
    job.controller = controller;
    Object.assign(job.view, { state: 'running', bytesDone: 0, error: null });
    job.samples = [];
    this.progress.touch(job);
    try {
      let outcome: JobOutcome;
      if (job.kind === 'upload') {
        outcome = await runUpload(job.state, this.context(job, controller.signal));
        Object.assign(job.view, { restartReason: job.state.restartReason, bytes: job.state.size, blobName: job.state.blobName });
      } else {
        outcome = await runDownload(job.state, this.context(job, controller.signal));
        Object.assign(job.view, { restartReason: job.state.restartReason, bytes: job.state.size, localPath: job.state.localPath, target: job.state.localPath });
      }
      if (outcome.kind === 'conflict') return this.conflicts.raised(job, outcome.conflict);
      Object.assign(job.view, { state: 'done', bytesDone: job.view.bytes, finishedAt: new Date().toISOString() });
      this.journal?.remove(job.view.id);
    } catch (err) {
      if (controller.signal.aborted && controller.signal.reason instanceof Stop) {
        if (controller.signal.reason.why === 'cancelled') await this.discardRecords(job);
        return;
      }
      const shaped = jobFailure(job, err);
      Object.assign(job.view, { state: 'failed', error: { code: shaped.code, message: shaped.message }, finishedAt: new Date().toISOString() });
    } finally {
      job.controller = undefined;
      job.view.restartReason = job.state.restartReason;
      this.progress.touch(job);
    }
  }
}
