import { createHash } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../workers/worker-entry.js';
import type { Md5Reply, Md5Request } from './md5-worker.js';

// Two hashing threads: one keeps the in-order running digests of whole files, the other digests
// single blocks, so a large transfer's two MD5 passes run beside each other and beside the network
// work on the main thread. Small inputs are hashed in place: a message costs more than they do.

const IN_PLACE_LIMIT = 256 * 1024;

type Pending = { resolve(reply: Md5Reply): void; reject(err: Error): void };

/** A distributive Omit, so each request shape keeps its own fields. */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

class HashThread {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  send(request: WithoutId<Md5Request>): Promise<Md5Reply> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ ...request, id });
    });
  }

  close(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = startWorker(import.meta.url, 'md5-worker');
    worker.on('message', (reply: Md5Reply) => {
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      if (reply.error !== undefined) waiter?.reject(new Error(reply.error));
      else waiter?.resolve(reply);
    });
    worker.on('error', (err) => {
      for (const waiter of this.pending.values()) waiter.reject(err);
      this.pending.clear();
      this.worker = undefined;
    });
    worker.unref();
    this.worker = worker;
    return worker;
  }
}

/** A running MD5 of one file, fed in order. */
export interface Md5Stream {
  update(data: Uint8Array): Promise<void>;
  digest(): Promise<Buffer>;
}

export class Md5Pool {
  private readonly streams = new HashThread();
  private readonly blocks = new HashThread();
  private nextStream = 1;

  async digest(data: Uint8Array): Promise<Buffer> {
    if (data.length <= IN_PLACE_LIMIT) return createHash('md5').update(data).digest();
    const reply = await this.blocks.send({ op: 'digest', data });
    return Buffer.from(reply.md5 as Uint8Array);
  }

  stream(): Md5Stream {
    const stream = this.nextStream++;
    // Updates are posted in call order and the thread handles them in that order.
    return {
      update: async (data) => {
        await this.streams.send({ op: 'update', stream, data });
      },
      digest: async () => Buffer.from((await this.streams.send({ op: 'final', stream })).md5 as Uint8Array),
    };
  }

  close(): void {
    this.streams.close();
    this.blocks.close();
  }
}
