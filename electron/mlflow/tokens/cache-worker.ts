import { serveRpc } from '../../core/workers/serve-rpc.js';
import type { TokenRequest } from './protocol.js';
import { UsageCache } from './usage-cache.js';
import { SourceError } from './usage-sync.js';

// The token worker: owns the usage caches' connections and reads the MLflow files, so a first
// build over a million spans (seconds) and every summary query run off the main event loop.
// Requests are answered one at a time, in order.

const caches = new Map<string, UsageCache>();

function cache(file: string): UsageCache {
  let open = caches.get(file);
  if (!open) caches.set(file, (open = UsageCache.open(file)));
  return open;
}

function handle(request: TokenRequest): unknown {
  switch (request.op) {
    case 'summary': {
      const c = cache(request.cacheFile);
      const sync = c.sync(request.sourceFile);
      return { parts: c.summaryParts(request.filter), sync };
    }
    case 'days': {
      const c = cache(request.cacheFile);
      const sync = c.sync(request.sourceFile);
      return { days: c.dayModelTotals(request.filter), sync };
    }
    case 'latency': {
      const c = cache(request.cacheFile);
      const sync = c.sync(request.sourceFile);
      return { latency: c.latency(request.filter), sync };
    }
    case 'sync':
      return cache(request.cacheFile).sync(request.sourceFile);
    case 'close':
      for (const c of caches.values()) c.close();
      caches.clear();
      return undefined;
  }
}

serveRpc(handle, (err) => {
  const error = err instanceof Error ? { name: err.name, message: err.message } : { name: 'Error', message: String(err) };
  return err instanceof SourceError ? { ...error, code: err.code } : error;
});
