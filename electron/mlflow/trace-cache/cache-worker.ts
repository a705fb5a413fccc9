import { serveRpc } from '../../core/workers/serve-rpc.js';
import { cachePrompts, cachePromptTraces, sqlitePrompts, sqlitePromptTraces } from '../prompts/prompt-ops.js';
import { TraceCacheDb } from './cache-db.js';
import { fileSpanResult } from './file-traces.js';
import { SourceError } from '../tokens/usage-sync.js';
import type { TraceCacheErrorShape, TraceCacheRequest } from './protocol.js';

// The trace cache worker: owns every workspace's trace cache connection, so storing pages of a
// 100,000-trace sync and summarizing them run off the main event loop, as does the Prompts view's
// grouping (of the cache, or of an MLflow sqlite store read directly). Answered in order.

const open = new Map<string, TraceCacheDb>();

function db(file: string): TraceCacheDb {
  let found = open.get(file);
  if (!found) open.set(file, (found = TraceCacheDb.open(file)));
  return found;
}

function handle(request: TraceCacheRequest): unknown {
  switch (request.op) {
    case 'position':
      return db(request.file).position(request.experimentId);
    case 'savePage':
      return db(request.file).savePage(request.infos, request.position);
    case 'inProgress':
      return db(request.file).inProgress(request.experimentIds, request.limit);
    case 'pendingSpans':
      return db(request.file).pendingSpans(request.limit);
    case 'saveSpans':
      return db(request.file).saveSpans(request.results);
    case 'counts':
      return db(request.file).counts();
    case 'folderTodo':
      return db(request.file).folderTodo(request.experimentId, request.ids, request.recheck);
    case 'saveFileTraces':
      return db(request.file).saveTraces(
        request.traces.map((t) => t.info),
        request.traces.map(fileSpanResult),
      );
    case 'spanProblems':
      return db(request.file).spanProblems(request.experimentIds, request.limit);
    case 'unreadable':
      return db(request.file).unreadable(request.limit);
    case 'summary':
      return db(request.file).summary(request.filter, request.prices);
    case 'latency':
      return db(request.file).latency(request.filter);
    case 'clear':
      return db(request.file).clear();
    case 'spanSearch':
      return db(request.file).spanSearch(request.query);
    case 'release':
      open.get(request.file)?.close();
      open.delete(request.file);
      return undefined;
    case 'prompts':
      return cachePrompts(db(request.file), request.experimentIds, request.registry, request.prices);
    case 'promptTraces':
      return cachePromptTraces(db(request.file), request.experimentIds, request.query);
    case 'sqlitePrompts':
      return sqlitePrompts(request.file, request.experimentIds, request.prices);
    case 'sqlitePromptTraces':
      return sqlitePromptTraces(request.file, request.experimentIds, request.query);
    case 'close':
      for (const d of open.values()) d.close();
      open.clear();
      return undefined;
  }
}

serveRpc(handle, (err): TraceCacheErrorShape => {
  if (err instanceof SourceError) return { name: err.name, message: err.message, code: err.code };
  return err instanceof Error ? { name: err.name, message: err.message } : { name: 'Error', message: String(err) };
});
