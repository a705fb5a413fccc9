import { parseStoredUsage, TRACE_USAGE_KEY } from '../../../shared/token-usage.js';
import { LINKED_PROMPTS_TAG, linkedJson } from '../prompts/prompt-facts.js';
import type { TraceInfoParts } from '../trace-row.js';
import type { CachedInfo } from './cache-db.js';

// What the two ways of filling a trace cache share (a tracking server's, rest-sync.ts, and a file
// store's, file-sync.ts): the options and progress of a sync, its cancel, and a trace info's row.

export interface SyncProgress {
  experimentId: string;
  /** A server's first listing, its newer traces, the re-check of IN_PROGRESS ones; a file store's folders. */
  phase: 'first' | 'newer' | 'in-progress' | 'folders';
  /** Traces listed (a server) or trace folders read (a file store) so far in this sync, over every experiment. */
  listed: number;
}

export interface SyncOptions {
  signal?: AbortSignal;
  /** Traces per search request (default SEARCH_PAGE), or trace folders stored at once (a file store). */
  pageSize?: number;
  onProgress?: (progress: SyncProgress) => void;
}

/** A sync or span read stopped by its signal: what it stored stays, the next one resumes. */
export class SyncCancelled extends Error {
  constructor() {
    super('The trace sync was cancelled; the next one resumes where it stopped.');
    this.name = 'SyncCancelled';
  }
}

export function cancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new SyncCancelled();
}

export function cachedInfo(info: TraceInfoParts): CachedInfo {
  return {
    traceId: info.traceId,
    experimentId: info.experimentId,
    timestampMs: info.timestampMs,
    durationMs: info.durationMs,
    state: info.state,
    name: info.tags['mlflow.traceName'] ?? null,
    user: info.metadata['mlflow.trace.user'] ?? null,
    session: info.metadata['mlflow.trace.session'] ?? null,
    stored: parseStoredUsage(info.metadata[TRACE_USAGE_KEY]),
    linked: linkedJson(info.tags[LINKED_PROMPTS_TAG]),
  };
}
