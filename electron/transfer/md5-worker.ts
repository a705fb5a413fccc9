import { createHash, type Hash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

// MD5 off the main thread (md5-pool.ts): digests of single blocks, and running digests of whole
// files fed in order ("streams"), so hashing gigabytes never stalls the transfers or the UI.

export type Md5Request =
  | { id: number; op: 'digest'; data: Uint8Array }
  | { id: number; op: 'update'; stream: number; data: Uint8Array }
  | { id: number; op: 'final'; stream: number };

export interface Md5Reply {
  id: number;
  md5?: Uint8Array;
  error?: string;
}

const streams = new Map<number, Hash>();

parentPort?.on('message', (request: Md5Request) => {
  try {
    let reply: Md5Reply;
    if (request.op === 'digest') {
      reply = { id: request.id, md5: createHash('md5').update(request.data).digest() };
    } else if (request.op === 'update') {
      let hash = streams.get(request.stream);
      if (!hash) streams.set(request.stream, (hash = createHash('md5')));
      hash.update(request.data);
      reply = { id: request.id };
    } else {
      const hash = streams.get(request.stream) ?? createHash('md5');
      streams.delete(request.stream);
      reply = { id: request.id, md5: hash.digest() };
    }
    parentPort?.postMessage(reply);
  } catch (err) {
    parentPort?.postMessage({ id: request.id, error: (err as Error).message } satisfies Md5Reply);
  }
});
