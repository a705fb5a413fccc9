import { createHash } from 'node:crypto';
import { LazyWorkerRpc } from '../core/workers/lazy-worker-rpc.js';
import { startWorker } from '../core/workers/worker-entry.js';
import type { Md5Error, Md5Request } from './md5-worker.js';

// Two hashing threads: one keeps the in-order running digests of whole files, the other digests
// single blocks, so a large transfer's two MD5 passes run beside each other and beside the network
// work on the main thread. Small inputs are hashed in place: a message costs more than they do.

const IN_PLACE_LIMIT = 256 * 1024;

/** A distributive Omit, so each request shape keeps its own fields. */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** One hashing thread, started on first use. */
function hashThread(): LazyWorkerRpc<Md5Error> {
  return new LazyWorkerRpc(() => startWorker(import.meta.url, 'md5-worker'), {
    rebuild: (error) => new Error(error.message),
    died: (cause) => new Error('error' in cause ? `The hashing thread failed: ${cause.error.message}` : 'The hashing thread stopped.'),
  });
}

function send(thread: LazyWorkerRpc<Md5Error>, request: WithoutId<Md5Request>): Promise<unknown> {
  return thread.request((id) => ({ ...request, id }) as Md5Request);
}

/** A running MD5 of one file, fed in order. */
export interface Md5Stream {
  update(data: Uint8Array): Promise<void>;
  digest(): Promise<Buffer>;
}

export class Md5Pool {
  private readonly streams = hashThread();
  private readonly blocks = hashThread();
  private nextStream = 1;

  async digest(data: Uint8Array): Promise<Buffer> {
    if (data.length <= IN_PLACE_LIMIT) return createHash('md5').update(data).digest();
    return Buffer.from((await send(this.blocks, { op: 'digest', data })) as Uint8Array);
  }

  /**
   * Starts both threads now, ahead of the first block: an upload calls it before its first request,
   * so a thread's start (tens of milliseconds built, about half a second under tsx) overlaps the
   * round trip instead of holding back the first block.
   */
  warm(): void {
    const empty = new Uint8Array(0);
    void send(this.blocks, { op: 'digest', data: empty }).catch(() => undefined);
    void send(this.streams, { op: 'final', stream: 0 }).catch(() => undefined);
  }

  stream(): Md5Stream {
    const stream = this.nextStream++;
    // Updates are posted in call order and the thread handles them in that order.
    return {
      update: async (data) => {
        await send(this.streams, { op: 'update', stream, data });
      },
      digest: async () => Buffer.from((await send(this.streams, { op: 'final', stream })) as Uint8Array),
    };
  }

  close(): void {
    const closed = new Error('The hashing threads are closed.');
    void this.streams.close(closed);
    void this.blocks.close(closed);
  }
}
