import { mapLimited } from '../../core/limit.js';
import type { TraceInfoParts } from '../trace-row.js';
import type { FileTrace } from './file-traces.js';
import { IN_PROGRESS_RECHECK } from './rest-sync.js';
import { cachedInfo, cancelled, type SyncOptions } from './sync-basics.js';
import type { TraceCache } from './trace-cache.js';

// Filling a trace cache from an MLflow file store (mlruns/<exp>/traces/<trace>/). Listing an
// experiment's trace folders is one directory read; only the folders the cache does not hold yet
// are opened (plus those whose spans are still to read, and a bounded re-check of recent
// IN_PROGRESS traces), their info and traces.json read and stored a batch at a time, so a
// cancelled sync keeps what it stored and the next one reads only the rest. traces.json is parsed
// in the trace cache worker. Folders gone from the store leave the cache. An experiment read to the
// end is marked complete, as a server's first sync marks it.

/** Trace folders read at once from the disk. */
const READS_AT_ONCE = 16;
/** Trace folders stored per worker call: one transaction, and the unit a cancel stops after. */
export const FOLDER_BATCH = 64;
/** traces.json text per worker call, at most (one over it ends its batch). */
const MAX_BATCH_CHARS = 32 * 1024 * 1024;

/** One trace folder's contents: its info, and its traces.json text or why it could not be read. */
export interface TraceFolder {
  info: TraceInfoParts;
  json: string | null;
  problem: string | null;
}

/** An experiment's trace folders as the file store source gives them. */
export interface TraceFolders {
  ids: string[];
  /** Null when the folder holds no trace info (yet): it is looked at again by the next sync. */
  read(id: string): Promise<TraceFolder | null>;
}

export interface FileTraceStore {
  /** Null when the store has no such experiment. */
  traceFolders(experimentId: string): Promise<TraceFolders | null>;
}

/** Brings the cache up to date with the file store for these experiments; resolves with how many trace folders were read. */
export async function syncFileStore(store: FileTraceStore, cache: TraceCache, experimentIds: readonly string[], options: SyncOptions = {}): Promise<{ listed: number }> {
  const batchSize = options.pageSize ?? FOLDER_BATCH;
  let read = 0;
  for (const experimentId of experimentIds) {
    cancelled(options.signal);
    const folders = await store.traceFolders(experimentId);
    const todo = await cache.folderTodo(experimentId, folders?.ids ?? [], IN_PROGRESS_RECHECK);
    if (!folders) {
      await completed(cache, experimentId);
      continue;
    }
    let pending: FileTrace[] = [];
    let bytes = 0;
    let opened = 0;
    const flush = async () => {
      await cache.saveFileTraces(pending);
      read += opened;
      pending = [];
      bytes = 0;
      opened = 0;
      options.onProgress?.({ experimentId, phase: 'folders', listed: read });
    };
    for (let at = 0; at < todo.length; at += READS_AT_ONCE) {
      cancelled(options.signal);
      const chunk = todo.slice(at, Math.min(at + READS_AT_ONCE, todo.length));
      const traces = await mapLimited(chunk, READS_AT_ONCE, async (id): Promise<FileTrace | null> => {
        const folder = await folders.read(id);
        // The folder names the trace and its experiment: what the next listing compares with.
        return folder && { info: cachedInfo({ ...folder.info, traceId: id, experimentId }), json: folder.json, problem: folder.problem };
      });
      for (const [i, trace] of traces.entries()) {
        opened++;
        if (trace) {
          pending.push(trace);
          bytes += trace.json?.length ?? 0;
        }
        // Stored a batch at a time, and sooner when the traces.json texts are large (each batch crosses to the worker whole).
        if (opened >= batchSize || bytes >= MAX_BATCH_CHARS || at + i === todo.length - 1) {
          await flush();
          cancelled(options.signal);
        }
      }
    }
    await completed(cache, experimentId);
  }
  return { listed: read };
}

/** Every folder of the experiment was read once: from now on its trace list can be answered by the cache (cached-trace-search.ts). */
async function completed(cache: TraceCache, experimentId: string): Promise<void> {
  if (!(await cache.position(experimentId)).complete) await cache.savePage([], { experimentId, pageToken: null, newestMs: null, complete: true });
}
