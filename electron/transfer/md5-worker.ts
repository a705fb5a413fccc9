import { createHash, type Hash } from 'node:crypto';
import { serveRpc } from '../core/workers/serve-rpc.js';

// MD5 off the main thread (md5-pool.ts): digests of single blocks, and running digests of whole
// files fed in order ("streams"), so hashing gigabytes never stalls the transfers or the UI.

export type Md5Request =
  | { id: number; op: 'digest'; data: Uint8Array }
  | { id: number; op: 'update'; stream: number; data: Uint8Array }
  | { id: number; op: 'final'; stream: number };

/** An error as it crosses the thread boundary. */
export interface Md5Error {
  message: string;
}

const streams = new Map<number, Hash>();

/** The digest for `digest` and `final`; nothing for `update`. */
function handle(request: Md5Request): Uint8Array | undefined {
  if (request.op === 'digest') return createHash('md5').update(request.data).digest();
  if (request.op === 'update') {
    let hash = streams.get(request.stream);
    if (!hash) streams.set(request.stream, (hash = createHash('md5')));
    hash.update(request.data);
    return undefined;
  }
  const hash = streams.get(request.stream) ?? createHash('md5');
  streams.delete(request.stream);
  return hash.digest();
}

serveRpc(handle, (err): Md5Error => ({ message: (err as Error).message }));
