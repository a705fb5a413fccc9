import type { TransferProgress, TransferTotals } from '../../shared/schemas/transfer.js';
import type { Job, Sample } from './job-state.js';
import { keepForWindow, windowRate } from './rate-window.js';

// What the activity panel is told: each job's rate and ETA over the last seconds, the totals, and
// only the jobs that changed (or left the list) since the last event, at most every interval.

/** Finished jobs kept for the activity panel: beyond it the oldest successful ones are dropped, failures stay until cleared. */
const MAX_DONE_KEPT = 2000;

/** What the totals read from the engine besides its jobs. */
export interface EngineMeter {
  /** Bytes the jobs reported done since the engine started (never what a resumed job already had): the total rate's counter. */
  bytesMoved(): number;
  concurrency(): number;
  retries(): number;
  /** Whether a job is queued or running: events stop once nothing is. */
  busy(): boolean;
}

export interface ProgressOptions {
  progressIntervalMs?: number;
  onProgress?(progress: TransferProgress): void;
}

export class ProgressReporter {
  private readonly dirty = new Set<Job>();
  /** Jobs dropped from the list since the last progress event. */
  private readonly removed = new Set<string>();
  private totalSamples: Sample[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly jobs: Map<string, Job>,
    private readonly meter: EngineMeter,
    private readonly options: ProgressOptions,
  ) {}

  /** The job changed: the next event carries it. */
  touch(job: Job): void {
    this.dirty.add(job);
  }

  /** Drops the job from the list; the next event says so. */
  forget(job: Job): void {
    this.jobs.delete(job.view.id);
    this.dirty.delete(job);
    this.removed.add(job.view.id);
  }

  start(): void {
    if (this.timer || !this.options.onProgress) return;
    this.timer = setInterval(() => this.flush(), this.options.progressIntervalMs ?? 200);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  flush(): void {
    const now = Date.now();
    for (const job of this.jobs.values()) {
      if (job.view.state !== 'running') continue;
      job.samples = keepForWindow([...job.samples, { at: now, bytes: job.view.bytesDone }], now);
      const rate = windowRate(job.samples, now);
      job.view.rate = rate;
      job.view.etaSeconds = rate > 0 ? Math.max(0, (job.view.bytes - job.view.bytesDone) / rate) : null;
      this.dirty.add(job);
    }
    this.totalSamples = keepForWindow([...this.totalSamples, { at: now, bytes: this.meter.bytesMoved() }], now);
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
    if (!this.meter.busy()) this.stop();
  }

  totals(now = Date.now()): TransferTotals {
    const t: TransferTotals = { jobs: 0, queued: 0, running: 0, paused: 0, done: 0, failed: 0, cancelled: 0, conflicts: 0, bytes: 0, bytesDone: 0, rate: 0, etaSeconds: null, concurrency: this.meter.concurrency(), retries: this.meter.retries() };
    for (const { view } of this.jobs.values()) {
      t.jobs++;
      if (view.state === 'conflict') t.conflicts++;
      else t[view.state]++;
      if (view.state !== 'cancelled') {
        t.bytes += view.bytes;
        t.bytesDone += view.bytesDone;
      }
    }
    // Bytes moved over the last seconds, whatever the number of jobs: not a sum of their rates.
    t.rate = windowRate(this.totalSamples, now);
    t.etaSeconds = t.rate > 0 && t.running + t.queued > 0 ? Math.max(0, t.bytes - t.bytesDone) / t.rate : null;
    return t;
  }

  /** A long session of many small uploads must not keep every finished job in memory and in each event's totals. */
  private pruneDone(): void {
    const done = [...this.jobs.values()].filter((job) => job.view.state === 'done');
    // The map keeps insertion order: the first are the oldest.
    for (const job of done.slice(0, Math.max(0, done.length - MAX_DONE_KEPT))) this.forget(job);
  }
}
