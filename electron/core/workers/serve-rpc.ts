import { parentPort } from 'node:worker_threads';
import type { RpcReply } from './worker-rpc.js';

// The worker side of worker-rpc.ts: each request is answered with the value `handle` returned (or
// resolved to) or the shape of the error it threw (an Error does not survive the thread boundary).
// Synchronous handlers run, and are answered, in the order requests came.

export function serveRpc<R extends { id: number }, E>(handle: (request: R) => unknown, errorShape: (err: unknown) => E): void {
  parentPort?.on('message', async (request: R) => {
    let reply: RpcReply<E>;
    try {
      reply = { id: request.id, ok: true, value: await handle(request) };
    } catch (err) {
      reply = { id: request.id, ok: false, error: errorShape(err) };
    }
    parentPort?.postMessage(reply);
  });
}
