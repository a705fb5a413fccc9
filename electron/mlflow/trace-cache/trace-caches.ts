import type { PriceRow, TokensLatency, TokensSummary } from '../../../shared/schemas/mlflow-tokens.js';
import type { PromptsResult, PromptTracesResult } from '../../../shared/schemas/mlflow-prompts.js';
import { MAX_SPAN_PROBLEMS } from '../../../shared/schemas/mlflow-trace-cache.js';
import type { PromptTracesQuery } from '../prompts/group-prompts.js';
import type { RegistryVersion } from '../prompts/prompt-record.js';
import type { RestClient } from '../sources/rest-client.js';
import type { SummaryFilter } from '../tokens/aggregate.js';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { CacheCounts, SpanProblem } from './cache-db.js';
import { syncFileStore, type FileTraceStore } from './file-sync.js';
import { loadSpans, syncTraces, SyncCancelled, type SyncOptions } from './rest-sync.js';
import type { CachedSpanPage, CachedSpanQuery } from './span-search.js';
import { TraceCache, traceCacheFile, traceCacheFolder, TraceCacheWorker } from './trace-cache.js';

// Every workspace's trace cache for the life of the app (or one CLI command): one sync at a time
// per cache (a second caller waits for the running one), and the span reads running in the
// background after each sync, cancelled by clear() and close(). A tracking server's spans are read
// in the background; a file store's are read with each trace folder, during the sync.

/** A saved workspace keeps its caches across sessions (and loses them when removed); an unsaved one, for its session. */
export function traceCacheScope(workspace: { id: string; savedId?: string }): string {
  return workspace.savedId === undefined ? `session:${workspace.id}` : savedTraceCacheScope(workspace.savedId);
}

export const savedTraceCacheScope = (savedId: string): string => `saved:${savedId}`;

/** A tracking server as the cache reads it: where it is, and the client that reaches it. */
export interface TraceServer {
  /** The workspace (the CLI uses its own scope): one cache per workspace and server. */
  scope: string;
  uri: string;
  client: RestClient;
}

/**
 * Traces whose spans a span search reads first, when that is all the cache lacks; with more unread,
 * the search goes to the server instead (a few traces' spans are quicker to read than a listing).
 */
export const SPAN_SEARCH_READ_FIRST = 200;

export interface SpanSearch extends CachedSpanQuery {
  /** The first page brings the cache up to date first; later pages read it as it is. */
  first: boolean;
}


/** A local file store (mlruns/) as the cache reads it. */
export interface TraceFiles {
  scope: string;
  uri: string;
  files: FileTraceStore;
}

/** Where a cache's traces come from. */
export type TraceOrigin = TraceServer | TraceFiles;

interface Open {
  cache: TraceCache;
  sync?: Promise<unknown>;
  /** The running sync's own cancel, and how many traces it listed so far. */
  running?: { abort: AbortController; listed: number };
  spans?: { done: Promise<unknown>; abort: AbortController };
}

/** Where a cache stands, for the sync progress the Tokens page shows. */
export interface TraceCacheStatus {
  syncing: boolean;
  /** Traces the running sync listed so far (0 when none runs). */
  listed: number;
  /** Traces in the cache. */
  traces: number;
  /** Cached traces whose spans are still to be read. */
  spansPending: number;
  readingSpans: boolean;
  /** Traces whose spans could not be read, and the newest of them with why. */
  unreadable: number;
  problems: SpanProblem[];
}

export class TraceCaches {
  private readonly worker = new TraceCacheWorker();
  private readonly open = new Map<string, Open>();

  constructor(private readonly userDataDir: string) {}

  /**
   * Syncs the cache for these experiments (unless the caller just did: `synced`), starts reading
   * spans in the background, and summarizes from the cache.
   */
  async summary(server: TraceOrigin, filter: SummaryFilter, prices: PriceRow[], { synced = false } = {}): Promise<TokensSummary> {
    const entry = this.entry(server);
    if (!synced) await this.sync(server, filter.experimentIds);
    this.readSpans(server);
    return entry.cache.summary(filter, prices);
  }

  /**
   * Syncs the cache for these experiments and computes latency from it: trace figures from the
   * search's durations and states, span figures from the spans read so far (the rest are read in
   * the background, as for a summary).
   */
  async latency(server: TraceOrigin, filter: SummaryFilter, { synced = false } = {}): Promise<TokensLatency> {
    const entry = this.entry(server);
    if (!synced) await this.sync(server, filter.experimentIds);
    this.readSpans(server);
    return entry.cache.latency(filter);
  }

  /** Syncs the cache, starts reading spans in the background, and groups the cached traces by prompt. */
  async prompts(server: TraceOrigin, experimentIds: readonly string[], registry: RegistryVersion[], prices: PriceRow[]): Promise<PromptsResult> {
    const entry = this.entry(server);
    await this.sync(server, experimentIds);
    this.readSpans(server);
    return entry.cache.prompts(experimentIds, registry, prices);
  }

  async promptTraces(server: TraceOrigin, experimentIds: readonly string[], query: PromptTracesQuery): Promise<PromptTracesResult> {
    const entry = this.entry(server);
    await this.sync(server, experimentIds);
    return entry.cache.promptTraces(experimentIds, query);
  }

  /** The same grouping over an MLflow sqlite store, read directly in the cache worker. */
  sqlitePrompts(sourceFile: string, experimentIds: readonly string[], prices: PriceRow[]): Promise<PromptsResult> {
    return this.worker.call(sourceFile, 'sqlitePrompts', { experimentIds: [...experimentIds], prices });
  }

  sqlitePromptTraces(sourceFile: string, experimentIds: readonly string[], query: PromptTracesQuery): Promise<PromptTracesResult> {
    return this.worker.call(sourceFile, 'sqlitePromptTraces', { experimentIds: [...experimentIds], query });
  }

  /** One sync at a time per cache: a caller arriving during one waits for it, then runs its own. */
  async sync(server: TraceOrigin, experimentIds: readonly string[], options: SyncOptions = {}): Promise<{ listed: number }> {
    const entry = this.entry(server);
    while (entry.sync) await entry.sync.catch(() => undefined);
    // Cancelled by the caller's signal or by cancel() (the Tokens page's Cancel); what was stored stays.
    const abort = new AbortController();
    const forward = () => abort.abort(new SyncCancelled());
    if (options.signal?.aborted) forward();
    options.signal?.addEventListener('abort', forward, { once: true });
    const state = { abort, listed: 0 };
    const syncOptions: SyncOptions = {
      ...options,
      signal: abort.signal,
      onProgress: (p) => {
        state.listed = p.listed;
        options.onProgress?.(p);
      },
    };
    const running = 'client' in server ? syncTraces(server.client, entry.cache, experimentIds, syncOptions) : syncFileStore(server.files, entry.cache, experimentIds, syncOptions);
    entry.sync = running;
    entry.running = state;
    try {
      return await running;
    } finally {
      options.signal?.removeEventListener('abort', forward);
      if (entry.sync === running) {
        entry.sync = undefined;
        entry.running = undefined;
      }
    }
  }

  async status(server: TraceOrigin): Promise<TraceCacheStatus> {
    const entry = this.entry(server);
    const [counts, unreadable] = await Promise.all([entry.cache.counts(), entry.cache.unreadable(MAX_SPAN_PROBLEMS)]);
    return { syncing: entry.running !== undefined, listed: entry.running?.listed ?? 0, ...counts, readingSpans: entry.spans !== undefined, ...unreadable };
  }

  /** Stops a running sync and the background span reads; the next summary resumes where they stopped. Answers whether anything ran. */
  async cancel(server: TraceOrigin): Promise<boolean> {
    const entry = this.entry(server);
    const ran = entry.running !== undefined || entry.spans !== undefined;
    entry.running?.abort.abort(new SyncCancelled());
    await this.stopSpans(entry);
    await entry.sync?.catch(() => undefined);
    return ran;
  }

  /**
   * A page of a trace search (a server's with span conditions, a file store's with or without) from
   * the cached rows, or null when the cache cannot answer it whole: an experiment never fully synced,
   * or more traces with unread spans than are worth reading first, or its sync was cancelled. The
   * first page syncs the new traces (a file store's new folders) and reads their spans.
   */
  async spanSearch(server: TraceOrigin, search: SpanSearch): Promise<CachedSpanPage | null> {
    const entry = this.entry(server);
    const { first, ...query } = search;
    for (const id of query.experimentIds) if (!(await entry.cache.position(id)).complete) return null;
    if (first) {
      try {
        await this.sync(server, query.experimentIds);
      } catch (err) {
        // Cancelled from the Tokens page: the cache may lack the newest traces, so the source answers.
        if (err instanceof SyncCancelled) return null;
        throw err;
      }
    }
    let page = await entry.cache.spanSearch(query);
    if (page.pending > 0 && first && (await entry.cache.counts()).spansPending <= SPAN_SEARCH_READ_FIRST) {
      this.readSpans(server);
      await this.spansRead(server);
      page = await entry.cache.spanSearch(query);
    }
    return page.pending === 0 ? page : null;
  }

  /**
   * Deletes every cache of a scope (a removed saved workspace): their span reads stop, running syncs
   * end, the worker lets go of the files, then the scope's folder goes. No other scope shares it.
   */
  async forget(scope: string): Promise<void> {
    const folder = traceCacheFolder(this.userDataDir, scope);
    const mine = [...this.open.entries()].filter(([file]) => path.dirname(file) === folder);
    for (const [file, entry] of mine) {
      await this.stopSpans(entry);
      entry.running?.abort.abort(new SyncCancelled());
      while (entry.sync) await entry.sync.catch(() => undefined);
      await entry.cache.release();
      this.open.delete(file);
    }
    await rm(folder, { recursive: true, force: true });
  }

  /** Starts reading missing spans unless already running; `spansRead` resolves when it stops. */
  readSpans(server: TraceOrigin): void {
    const entry = this.entry(server);
    if (entry.spans || !('client' in server)) return;
    const abort = new AbortController();
    const done = loadSpans(server.client, entry.cache, { signal: abort.signal })
      // A failure here (server gone, throttled past its retries) leaves the rest for the next summary.
      .catch(() => undefined)
      .finally(() => {
        if (entry.spans?.abort === abort) entry.spans = undefined;
      });
    entry.spans = { done, abort };
  }

  /** Resolves when the background span reads stop (all read, failed or cancelled). */
  async spansRead(server: TraceOrigin): Promise<void> {
    await this.entry(server).spans?.done;
  }

  counts(server: TraceOrigin): Promise<CacheCounts> {
    return this.entry(server).cache.counts();
  }

  /** The cached traces of these experiments whose spans could not be read, and why (newest first). */
  spanProblems(server: TraceOrigin, experimentIds: readonly string[], limit = 100): Promise<SpanProblem[]> {
    return this.entry(server).cache.spanProblems(experimentIds, limit);
  }

  /** Forgets what the cache holds for this server: span reads stop, a running sync ends first. */
  async clear(server: TraceOrigin): Promise<CacheCounts> {
    const entry = this.entry(server);
    const before = await entry.cache.counts();
    await this.stopSpans(entry);
    while (entry.sync) await entry.sync.catch(() => undefined);
    await entry.cache.clear();
    return before;
  }

  async close(): Promise<void> {
    await Promise.all([...this.open.values()].map((e) => this.stopSpans(e)));
    await Promise.all([...this.open.values()].map((e) => e.sync?.catch(() => undefined)));
    this.open.clear();
    await this.worker.close();
  }

  private async stopSpans(entry: Open): Promise<void> {
    const spans = entry.spans;
    if (!spans) return;
    spans.abort.abort(new SyncCancelled());
    await spans.done;
  }

  private entry(server: TraceOrigin): Open {
    const file = traceCacheFile(this.userDataDir, server.scope, server.uri);
    let entry = this.open.get(file);
    if (!entry) this.open.set(file, (entry = { cache: new TraceCache(this.worker, file) }));
    return entry;
  }
}
