import type { ListedObject, ObjectStore } from '../storage/object-store.js';
import { lastLogTime, logFileNames } from './mflog.js';
import type { AttemptFiles } from './run-tree.js';

// When an attempt started, ended and last did something, from what Metaflow itself recorded: `N.attempt.json`
// holds the start, and every mflog line its UTC time (the runtime's last line is the attempt's end). A blob's
// Last-Modified is reset by any copy, restore or tier change, so it is used only where Metaflow recorded
// nothing, and the times are then marked approximate with the reason.

/**
 * Logs up to this size are read whole; larger ones only by their tail: enough for their last timestamp
 * (mflog lines are short) and for a failure's traceback, so both read the same range once per answer.
 */
const LOG_TAIL_BYTES = 64 * 1024;

export interface AttemptTimes {
  startedAt: number | null;
  /** Null while the attempt runs (no DONE.lock). */
  finishedAt: number | null;
  /** The newest time the attempt recorded: its start or its last log line. */
  lastActivityAt: number | null;
  /** Why a time came from a blob's Last-Modified; null when every time is Metaflow's own. */
  approximate: string | null;
  /** The same, for the start alone and for the end alone. */
  approximateStart: string | null;
  approximateEnd: string | null;
}

export const APPROXIMATE_START = 'The start is the blob time of attempt.json, which has no readable time of its own; copies and restores reset blob times.';
export const APPROXIMATE_END = 'The end is the blob time of DONE.lock, as no log line carries a time; copies and restores reset blob times.';

export class AttemptClock {
  constructor(private readonly store: ObjectStore) {}

  /** `endOnly`: the run list needs only its end task's end, so its attempt.json is not read (one request less per run). */
  async times(attempt: AttemptFiles, endOnly = false): Promise<AttemptTimes> {
    const started = endOnly ? undefined : attempt.files.get('attempt.json');
    const done = attempt.files.get('DONE.lock');
    const [recordedStart, lastLine] = await Promise.all([started ? this.recordedStart(started) : undefined, this.lastLogLine(attempt)]);
    let startedAt: number | null = recordedStart ?? null;
    let approximateStart: string | null = null;
    if (startedAt === null && started?.lastModified) {
      startedAt = started.lastModified.getTime();
      approximateStart = APPROXIMATE_START;
    }
    let finishedAt: number | null = null;
    let approximateEnd: string | null = null;
    if (done) {
      finishedAt = lastLine ?? null;
      if (finishedAt === null && done.lastModified) {
        finishedAt = done.lastModified.getTime();
        approximateEnd = APPROXIMATE_END;
      }
      if (finishedAt !== null && startedAt !== null && finishedAt < startedAt) finishedAt = startedAt;
    }
    const lastActivityAt = maxOf([recordedStart, lastLine]) ?? maxOf([startedAt, finishedAt]);
    return { startedAt, finishedAt, lastActivityAt, approximate: joinReasons([approximateStart, approximateEnd]), approximateStart, approximateEnd };
  }

  /** `N.attempt.json`: `{"time": <epoch seconds>}`. */
  private async recordedStart(object: ListedObject): Promise<number | undefined> {
    try {
      const { time } = JSON.parse((await this.store.read(object.name)).toString('utf8')) as { time?: unknown };
      return typeof time === 'number' && Number.isFinite(time) ? Math.round(time * 1000) : undefined;
    } catch {
      return undefined;
    }
  }

  /** The latest mflog timestamp over the attempt's stdout and stderr files. */
  private async lastLogLine(attempt: AttemptFiles): Promise<number | undefined> {
    const logs = (['stdout', 'stderr'] as const)
      .flatMap((stream) => logFileNames(attempt.attempt, stream))
      .flatMap((f) => attempt.files.get(f.kind) ?? [])
      .filter((o) => o.size > 0);
    if (logs.length === 0) return undefined;
    const texts = await Promise.all(logs.map((o) => logTail(this.store, o).catch(() => '')));
    return lastLogTime(texts) ?? undefined;
  }
}

/** A log's text, or of a long one its tail (whose first line is cut: readers skip what does not parse). */
export async function logTail(store: ObjectStore, object: ListedObject): Promise<string> {
  if (object.size <= LOG_TAIL_BYTES) return (await store.read(object.name)).toString('utf8');
  const { data } = await store.readRange(object.name, object.size - LOG_TAIL_BYTES, LOG_TAIL_BYTES);
  return data.toString('utf8');
}

/** Distinct reasons in one sentence, or null when there are none. */
export function joinReasons(reasons: (string | null | undefined)[]): string | null {
  const distinct = [...new Set(reasons.filter((r): r is string => !!r))];
  return distinct.length > 0 ? distinct.join(' ') : null;
}

export function maxOf(values: (number | null | undefined)[]): number | null {
  let best: number | null = null;
  for (const v of values) if (v !== null && v !== undefined && (best === null || v > best)) best = v;
  return best;
}

export function minOf(values: (number | null | undefined)[]): number | null {
  let best: number | null = null;
  for (const v of values) if (v !== null && v !== undefined && (best === null || v < best)) best = v;
  return best;
}
