import { createHash } from 'node:crypto';
import path from 'node:path';
import { StratusError } from '../../../shared/errors.js';
import type { PriceRow, TokensLatency, TokensSummary } from '../../../shared/schemas/mlflow-tokens.js';
import { LazyWorkerRpc } from '../../core/workers/lazy-worker-rpc.js';
import { startWorker } from '../../core/workers/worker-entry.js';
import type { PromptsResult, PromptTracesResult } from '../../../shared/schemas/mlflow-prompts.js';
import type { PromptTracesQuery } from '../prompts/group-prompts.js';
import type { RegistryVersion } from '../prompts/prompt-record.js';
import type { SummaryFilter } from '../tokens/aggregate.js';
import type { CacheCounts, CachedInfo, SpanProblem, SpanResult, SyncPosition } from './cache-db.js';
import type { FileTrace } from './file-traces.js';
import type { CachedSpanPage, CachedSpanQuery } from './span-search.js';
import type { TraceCacheAnswers, TraceCacheErrorShape, TraceCacheRequest } from './protocol.js';

// The main thread's handle on the trace cache worker (cache-worker.ts): one worker for every
// workspace's cache file, started on first use and again after it died.

const digest = (text: string) => createHash('sha1').update(text).digest('hex');

/** Every cache of one scope (a saved workspace, a session's workspace, the CLI), in one folder removed with it. */
export function traceCacheFolder(userDataDir: string, scope: string): string {
  return path.join(userDataDir, 'mlflow-trace-cache', digest(scope));
}

/** One cache per scope and tracking server, named by digests (no URI leaks into file names). */
export function traceCacheFile(userDataDir: string, scope: string, sourceUri: string): string {
  return path.join(traceCacheFolder(userDataDir, scope), `${digest(sourceUri)}.sqlite`);
}

type Op = Exclude<TraceCacheRequest['op'], 'close'>;
type Args<K extends Op> = Omit<Extract<TraceCacheRequest, { op: K }>, 'id' | 'file' | 'op'>;

function toError(error: TraceCacheErrorShape): Error {
  if (error.code) return new StratusError({ code: error.code, message: error.message });
  if (error.name === 'SchemaVersionError') {
    return new StratusError({ code: 'CORRUPT_DATA', message: error.message, hint: 'Clearing the trace cache only loses what is read again from the server.' });
  }
  return new StratusError({ code: 'INTERNAL', message: `The trace cache failed: ${error.message}` });
}

export class TraceCacheWorker {
  private readonly rpc = new LazyWorkerRpc<TraceCacheErrorShape>(() => startWorker(import.meta.url, 'cache-worker'), {
    rebuild: toError,
    died: (cause) =>
      new StratusError({
        code: 'INTERNAL',
        message: 'error' in cause ? `The trace cache thread failed: ${cause.error.message}` : `The trace cache thread stopped (exit code ${cause.exitCode}).`,
      }),
  });

  call<K extends Op>(file: string, op: K, args: Args<K>): Promise<TraceCacheAnswers[K]> {
    return this.rpc.request((id) => ({ id, file, op, ...args })) as Promise<TraceCacheAnswers[K]>;
  }

  async close(): Promise<void> {
    await this.rpc.close(new StratusError({ code: 'INTERNAL', message: 'The trace cache thread is closed.' }), (id) => ({ id, file: '', op: 'close' }) satisfies TraceCacheRequest);
  }
}

/** One cache file, as the sync and the summaries use it. */
export class TraceCache {
  constructor(
    private readonly worker: TraceCacheWorker,
    readonly file: string,
  ) {}

  position(experimentId: string): Promise<SyncPosition> {
    return this.worker.call(this.file, 'position', { experimentId });
  }

  savePage(infos: CachedInfo[], position: SyncPosition | null): Promise<undefined> {
    return this.worker.call(this.file, 'savePage', { infos, position });
  }

  inProgress(experimentIds: string[], limit: number): Promise<string[]> {
    return this.worker.call(this.file, 'inProgress', { experimentIds, limit });
  }

  pendingSpans(limit: number): Promise<string[]> {
    return this.worker.call(this.file, 'pendingSpans', { limit });
  }

  saveSpans(results: SpanResult[]): Promise<undefined> {
    return this.worker.call(this.file, 'saveSpans', { results });
  }

  folderTodo(experimentId: string, ids: string[], recheck: number): Promise<string[]> {
    return this.worker.call(this.file, 'folderTodo', { experimentId, ids, recheck });
  }

  saveFileTraces(traces: FileTrace[]): Promise<undefined> {
    return this.worker.call(this.file, 'saveFileTraces', { traces });
  }

  spanProblems(experimentIds: readonly string[] | null, limit: number): Promise<SpanProblem[]> {
    return this.worker.call(this.file, 'spanProblems', { experimentIds: experimentIds && [...experimentIds], limit });
  }

  unreadable(limit: number): Promise<{ unreadable: number; problems: SpanProblem[] }> {
    return this.worker.call(this.file, 'unreadable', { limit });
  }

  counts(): Promise<CacheCounts> {
    return this.worker.call(this.file, 'counts', {});
  }

  summary(filter: SummaryFilter, prices: PriceRow[]): Promise<TokensSummary> {
    return this.worker.call(this.file, 'summary', { filter: { ...filter, experimentIds: [...filter.experimentIds] }, prices });
  }

  latency(filter: SummaryFilter): Promise<TokensLatency> {
    return this.worker.call(this.file, 'latency', { filter: { ...filter, experimentIds: [...filter.experimentIds] } });
  }

  clear(): Promise<undefined> {
    return this.worker.call(this.file, 'clear', {});
  }

  spanSearch(query: CachedSpanQuery): Promise<CachedSpanPage> {
    return this.worker.call(this.file, 'spanSearch', { query });
  }

  /** Closes the worker's connection; the next call opens it again. */
  release(): Promise<undefined> {
    return this.worker.call(this.file, 'release', {});
  }

  prompts(experimentIds: readonly string[], registry: RegistryVersion[], prices: PriceRow[]): Promise<PromptsResult> {
    return this.worker.call(this.file, 'prompts', { experimentIds: [...experimentIds], registry, prices });
  }

  promptTraces(experimentIds: readonly string[], query: PromptTracesQuery): Promise<PromptTracesResult> {
    return this.worker.call(this.file, 'promptTraces', { experimentIds: [...experimentIds], query });
  }
}
