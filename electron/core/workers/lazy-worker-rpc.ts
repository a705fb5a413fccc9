import type { Worker } from 'node:worker_threads';
import { WorkerRpc, type RpcOptions } from './worker-rpc.js';

// A worker thread that costs nothing until it is needed: started on the first request, and started
// again on the next one after it failed or exited, so one crash does not disable the service.

export class LazyWorkerRpc<E> {
  private rpc: WorkerRpc<E> | undefined;

  constructor(
    private readonly start: () => Worker,
    private readonly options: RpcOptions<E>,
  ) {}

  request(build: (id: number) => object): Promise<unknown> {
    this.rpc ??= this.spawn();
    return this.rpc.request(build);
  }

  /** Sends `farewell` (if given) to a running thread, then ends it; pending and later calls fail with `err` until the next start. */
  async close(err: Error, farewell?: (id: number) => object): Promise<void> {
    const rpc = this.rpc;
    if (!rpc) return;
    this.rpc = undefined;
    if (farewell) await rpc.request(farewell).catch(() => undefined);
    await rpc.stop(err);
  }

  private spawn(): WorkerRpc<E> {
    const rpc: WorkerRpc<E> = new WorkerRpc(this.start(), {
      rebuild: this.options.rebuild,
      died: (cause) => {
        if (this.rpc === rpc) this.rpc = undefined;
        return this.options.died(cause);
      },
    });
    return rpc;
  }
}
