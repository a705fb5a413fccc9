import type { Worker } from 'node:worker_threads';

// Numbered requests to one worker thread, one reply each, shared by every worker-backed service
// (the Metaflow index, the MLflow sqlite reader, the token usage cache). The worker is referenced
// only while a request is pending: an idle one keeps neither the CLI nor a test process alive, and
// a pending one never lets it exit before the answer comes.

export type RpcReply<E> = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: E };

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

export interface RpcOptions<E> {
  /** The Error a worker's error shape stands for. */
  rebuild(error: E): Error;
  /** What every pending and later call fails with once the thread failed or exited. */
  died(cause: { error: Error } | { exitCode: number }): Error;
}

export class WorkerRpc<E> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private stopped: Error | undefined;

  constructor(
    readonly worker: Worker,
    private readonly options: RpcOptions<E>,
  ) {
    worker.unref();
    worker.on('message', (reply: RpcReply<E>) => this.settle(reply));
    worker.on('error', (error) => this.fail(options.died({ error })));
    worker.on('exit', (exitCode) => this.fail(options.died({ exitCode })));
  }

  /** Set once the thread died or was stopped: every later call fails with it. */
  get stoppedWith(): Error | undefined {
    return this.stopped;
  }

  /** Sends `build(id)`; resolves with the worker's value or rejects with its rebuilt error. */
  request(build: (id: number) => object): Promise<unknown> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      try {
        this.worker.postMessage(build(id));
      } catch (err) {
        // A value that cannot be cloned never reaches the worker: no reply will come for it.
        this.untrack(id)?.reject(err as Error);
      }
    });
  }

  /** Fails what is pending and every later call with `err`. */
  fail(err: Error): void {
    this.stopped ??= err;
    for (const waiting of this.pending.values()) waiting.reject(err);
    this.pending.clear();
  }

  /** Fails what is pending and every later call with `err`, then ends the thread. */
  async stop(err: Error): Promise<void> {
    this.fail(err);
    await this.worker.terminate();
  }

  private settle(reply: RpcReply<E>): void {
    const waiting = this.untrack(reply.id);
    if (!waiting) return;
    if (reply.ok) waiting.resolve(reply.value);
    else waiting.reject(this.options.rebuild(reply.error));
  }

  private untrack(id: number): Pending | undefined {
    const waiting = this.pending.get(id);
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker.unref();
    return waiting;
  }
}
