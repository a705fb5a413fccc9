import type { RunSummary } from '../../shared/contract.js';
import { PrioritizedWork } from '../core/prioritized.js';

// Reads the summaries (status, times, failure) of listed runs (or of a run's listed tasks), those on screen first, and hands them on in
// batches as they arrive: while one batch is written to the index the next gathers, so a thousand runs cost a
// few dozen writes, not a thousand, and no row waits for the last run to be read.

export interface StatusFillOptions<T> {
  /** The keys as listed (a flow's runs, newest first; a run's tasks). */
  listed: readonly string[];
  /** Those to read (new or unfinished), in the order to read them when nothing is preferred. */
  toRead: readonly string[];
  concurrency: number;
  /** One run's summary; undefined when the run is gone since the listing. */
  readOne: (id: string) => Promise<T | undefined>;
  /** Stores a batch of summaries read (the index). */
  write: (rows: T[]) => Promise<void>;
  /** Nothing is read before this resolves (reads that must not wait behind these); it must not reject. */
  after?: Promise<void>;
}

export class StatusFill<T = RunSummary> {
  readonly listed: readonly string[];
  /** Summaries read so far, by run id. */
  readonly read = new Map<string, T>();
  /** Runs removed since the listing. */
  readonly gone = new Set<string>();
  /** Resolves once every run was read and written; rejects with the first failure (reading stops then). */
  readonly done: Promise<void>;
  private readonly work: PrioritizedWork;
  private batch: T[] = [];
  private writing: Promise<void> | undefined;
  private writeFailure: unknown;

  constructor(private readonly options: StatusFillOptions<T>) {
    this.listed = options.listed;
    this.work = new PrioritizedWork(options.toRead, options.concurrency, async (id) => {
      const row = await options.readOne(id);
      if (row === undefined) {
        this.gone.add(id);
        return;
      }
      this.read.set(id, row);
      this.batch.push(row);
      this.writing ??= this.flush();
    }, options.after);
    this.done = this.work.done.then(
      async () => {
        await this.writing;
        if (this.writeFailure !== undefined) throw this.writeFailure;
      },
      async (err: unknown) => {
        await this.writing;
        throw err;
      },
    );
  }

  /** Reads these runs next (the rows the user sees). */
  prefer(ids: readonly string[]): void {
    this.work.prefer(ids);
  }

  /** Of these, those not read nor being read yet. */
  unread(ids: readonly string[]): string[] {
    return this.work.waitingOf(ids);
  }

  /** A failed write stops the reading: what is read but not kept would be read again anyway. */
  private async flush(): Promise<void> {
    try {
      while (this.batch.length > 0) await this.options.write(this.batch.splice(0));
    } catch (err) {
      this.writeFailure ??= err;
      this.work.stop();
    } finally {
      this.writing = undefined;
    }
  }
}
