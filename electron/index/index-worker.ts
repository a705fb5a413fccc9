import { SchemaVersionError } from '../core/migrate.js';
import { IndexStore } from './index-store.js';
import { serveRpc } from '../core/workers/serve-rpc.js';
import { INDEX_OPS, type ErrorShape, type IndexRequest, type OpRequest } from './protocol.js';

// The index worker: owns the workspace's better-sqlite3 connection, so queries over thousands of
// runs block this thread and never the main process's event loop, which serves IPC. Requests are
// answered one at a time, in order (better-sqlite3 is synchronous).

let store: IndexStore | undefined;

function errorShape(err: unknown): ErrorShape {
  if (err instanceof SchemaVersionError) {
    return { name: err.name, message: err.message, version: { file: err.file, found: err.found, supported: err.supported } };
  }
  return err instanceof Error ? { name: err.name, message: err.message } : { name: 'Error', message: String(err) };
}

function dispatch(open: IndexStore, request: OpRequest): unknown {
  if (!(INDEX_OPS as readonly string[]).includes(request.op)) throw new Error(`Unknown index operation ${String(request.op)}.`);
  // The sender typed `args` against this very method (protocol.ts), which TypeScript cannot
  // follow through the union of operations.
  const method = open[request.op] as (this: IndexStore, ...args: unknown[]) => unknown;
  return method.apply(open, request.args);
}

function handle(request: IndexRequest): unknown {
  switch (request.op) {
    case 'open':
      store?.close();
      store = IndexStore.open(request.file);
      return undefined;
    case 'close':
      store?.close();
      store = undefined;
      return undefined;
    default:
      if (!store) throw new Error('The local index is not open.');
      return dispatch(store, request);
  }
}

serveRpc(handle, errorShape);
