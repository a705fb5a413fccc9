import { StratusError } from '../../../shared/errors.js';
import { forTraceView, spansFromTraceJson } from '../spans.js';
import { serveRpc } from '../../core/workers/serve-rpc.js';
import { STORE_OPS, TRACE_JSON_OPS, type SqliteOpRequest, type SqliteRequest, type TraceJsonOps } from './protocol.js';
import { SqliteStore } from './sqlite-store.js';

// The mlflow-sqlite worker: owns the read-only connection to an mlflow.db, so trace pages and
// 30,000-span loads block this thread, never the main process's event loop. It also parses
// traces.json documents, which needs no database. One request at a time, in order
// (better-sqlite3 is synchronous).

let store: SqliteStore | undefined;

const traceJson: TraceJsonOps = {
  parseTraceJson: (json) => forTraceView(spansFromTraceJson(json)),
  spanFromTraceJson: (json, spanId) => spansFromTraceJson(json).find((s) => s.spanId === spanId) ?? null,
};

function dispatch(request: SqliteOpRequest): unknown {
  // The sender typed `args` against these very methods (protocol.ts); TypeScript cannot follow the union.
  if ((TRACE_JSON_OPS as readonly string[]).includes(request.op)) {
    const method = traceJson[request.op as keyof TraceJsonOps] as (...args: unknown[]) => unknown;
    return method(...request.args);
  }
  if (!(STORE_OPS as readonly string[]).includes(request.op)) throw new Error(`Unknown MLflow store operation ${String(request.op)}.`);
  if (!store) throw new Error('The MLflow database is not open.');
  const method = store[request.op as (typeof STORE_OPS)[number]] as (this: SqliteStore, ...args: unknown[]) => unknown;
  return method.apply(store, request.args);
}

function handle(request: SqliteRequest): unknown {
  switch (request.op) {
    case 'open':
      store?.close();
      store = new SqliteStore(request.file);
      return undefined;
    case 'close':
      store?.close();
      store = undefined;
      return undefined;
    default:
      return dispatch(request);
  }
}

serveRpc(handle, (err) => {
  const e = err instanceof Error ? err : new Error(String(err));
  return { name: e.name, message: e.message, code: err instanceof StratusError ? err.code : undefined };
});
