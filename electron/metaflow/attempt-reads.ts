import type { ArtifactEntry, TaskException } from '../../shared/contract.js';
import { StratusError } from '../../shared/errors.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { ArtifactReader } from './artifacts.js';
import { AttemptClock, logTail } from './attempt-times.js';
import { BlobReads } from './blob-reads.js';
import { parseDataJson } from './data-json.js';
import { logFileNames, mergeLogs } from './mflog.js';
import type { JsonValue } from './pickle/json.js';
import { taskOutcome, type Outcome, type SuccessProbe } from './run-status.js';
import { latestAttempt, type AttemptFiles, type TaskTree } from './run-tree.js';
import { CAUGHT_ARTIFACT, EXCEPTION_ARTIFACT, exceptionFromLog, exceptionIn } from './task-exceptions.js';

// What one answer (a run's summary, a run view, a task) reads of its tasks' attempts: their success, times, artifact
// indexes and exceptions, all through one memo of blob reads, so no blob is read twice for it. A decoded artifact is
// kept by its sha: every task of a run that succeeded shares one `_task_ok` blob (the flow's store is
// content-addressed), so it is read once per answer, not once per task.

/** Tasks of a failed run whose exception is read beside their status, on a guess (see `guessFailures`). */
const FAILURE_GUESSES = 2;

export class AttemptReads {
  readonly clock: AttemptClock;
  private readonly store: BlobReads;
  private readonly values = new Map<string, Promise<JsonValue>>();
  /** The artifact reader's `json`, each sha decoded once. */
  private readonly decoded: Pick<ArtifactReader, 'json'>;

  constructor(
    store: ObjectStore,
    artifacts: ArtifactReader,
    private readonly flow: string,
  ) {
    this.store = new BlobReads(store);
    this.clock = new AttemptClock(this.store);
    this.decoded = {
      json: (flow, sha, what) => {
        const known = this.values.get(sha);
        if (known) return known;
        const reading = artifacts.json(flow, sha, what);
        this.values.set(sha, reading);
        // A failure is not kept: the next reader names its own artifact in the error.
        reading.catch(() => this.values.delete(sha));
        return reading;
      },
    };
  }

  /** Lets go of what was read, once the answer is given. */
  forget(): void {
    this.store.forget();
    this.values.clear();
  }

  /** Success of a finished attempt: `N.runtime` when the local runtime wrote one, else the `_task_ok` artifact. */
  readonly probe: SuccessProbe = async (_task, attempt) => {
    const runtime = attempt.files.get('runtime');
    if (runtime) {
      try {
        const { success } = JSON.parse((await this.store.read(runtime.name)).toString('utf8')) as { success?: unknown };
        if (typeof success === 'boolean') return success;
      } catch {
        // Unreadable runtime file: fall back to the artifact.
      }
    }
    try {
      const ok = (await this.index(attempt))?.find((a) => a.name === '_task_ok');
      if (!ok) return undefined;
      const value = await this.decoded.json(this.flow, ok.sha, '_task_ok');
      return typeof value === 'boolean' ? value : undefined;
    } catch {
      return undefined;
    }
  };

  /** An attempt's artifact index as its data.json says; undefined when it wrote none; CORRUPT_DATA when it cannot be read. */
  parsedIndex(attempt: AttemptFiles): Promise<ArtifactEntry[]> | undefined {
    const data = attempt.files.get('data.json');
    // Its bytes are kept (within the memo's cap), not what they parse to: parsing again costs less than holding both.
    return data ? this.store.read(data.name).then((bytes) => parseDataJson(bytes, data.name)) : undefined;
  }

  /** An attempt's artifact index; undefined when it wrote none or it cannot be read (told elsewhere, as a task problem). */
  async index(attempt: AttemptFiles): Promise<ArtifactEntry[] | undefined> {
    try {
      return await this.parsedIndex(attempt);
    } catch (err) {
      if (err instanceof StratusError && err.code === 'CORRUPT_DATA') return undefined;
      throw err;
    }
  }

  /** What of the task's current attempt cannot be read: its artifact index, told on the task's own row. */
  async problems(task: TaskTree): Promise<string[]> {
    const current = latestAttempt(task);
    try {
      await (current && this.parsedIndex(current));
      return [];
    } catch (err) {
      if (err instanceof StratusError && err.code !== 'CORRUPT_DATA') throw err;
      return [(err as Error).message];
    }
  }

  /** The exception `@catch` caught in a succeeded attempt. */
  async caught(attempt: AttemptFiles): Promise<TaskException | null> {
    return exceptionIn(this.decoded, this.flow, await this.index(attempt), CAUGHT_ARTIFACT);
  }

  /** A failed attempt's `_exception`, else the exception its stderr printed. */
  async exception(attempt: AttemptFiles): Promise<TaskException | null> {
    const pickled = await exceptionIn(this.decoded, this.flow, await this.index(attempt), EXCEPTION_ARTIFACT);
    if (pickled) return pickled;
    const files = logFileNames(attempt.attempt, 'stderr').flatMap((f) => attempt.files.get(f.kind) ?? []);
    // The traceback is at the end: a long log is read only by its tail, the range the attempt's times read too.
    const texts = await Promise.all(files.map((o) => logTail(this.store, o).catch(() => '')));
    return exceptionFromLog(mergeLogs(texts.map((text, i) => ({ source: String(i), text }))).map((l) => l.text));
  }

  /**
   * Starts reading what the attempt's exception needs (its index, then the `_exception` in it) without waiting for
   * its status to say it failed, so the exception comes one round trip after the status rather than two. Nothing
   * waits on it; `exception` then finds it read.
   */
  exceptionAhead(attempt: AttemptFiles): void {
    this.index(attempt)
      .then((entries) => exceptionIn(this.decoded, this.flow, entries, EXCEPTION_ARTIFACT))
      .catch(() => undefined);
  }

  /**
   * A task's outcome in a run that failed, where its exception may be wanted next. Without `N.runtime` its index is
   * read for its status anyway, and the `_exception` in it is read beside `_task_ok`: a None one is one blob for the
   * whole run.
   */
  outcomeInFailedRun(task: TaskTree): Promise<Outcome> {
    const current = latestAttempt(task);
    if (current?.files.has('DONE.lock') && !current.files.has('runtime')) this.exceptionAhead(current);
    return taskOutcome(task, this.probe);
  }

  /**
   * Where `N.runtime` tells a failed run's statuses, the exceptions worth reading on a guess before they are known:
   * of the tasks that finished with something on stderr (where a traceback goes), the last to finish, a few at most,
   * so a run whose tasks all print to stderr costs few extra reads.
   */
  guessFailures(tasks: readonly TaskTree[]): void {
    const printed = tasks.flatMap((t) => {
      const current = latestAttempt(t);
      const stderr = current ? logFileNames(current.attempt, 'stderr').some((f) => (current.files.get(f.kind)?.size ?? 0) > 0) : false;
      return current?.files.has('DONE.lock') && current.files.has('runtime') && stderr ? [current] : [];
    });
    for (const attempt of printed.sort((a, b) => doneAt(b) - doneAt(a)).slice(0, FAILURE_GUESSES)) this.exceptionAhead(attempt);
  }
}

function doneAt(attempt: AttemptFiles): number {
  return attempt.files.get('DONE.lock')?.lastModified?.getTime() ?? 0;
}
