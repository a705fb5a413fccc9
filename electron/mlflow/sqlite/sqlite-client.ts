import type { Worker } from 'node:worker_threads';
import { ERROR_CODES, StratusError, type ErrorCode } from '../../../shared/errors.js';
import { startWorker } from '../../workers/worker-entry.js';
import type { SqliteOp, SqliteOpRequest, SqliteReply, SqliteRequest, WorkerOps } from './protocol.js';

// The main-thread side of an mlflow.db: every call is a message to the mlflow-sqlite worker
// (started as electron/index/metaflow-index.ts starts its worker; see there for why through
// startWorker).

type Pending = { resolve: (value: unknown) => void; reject: (err: Error) => void };

function rebuild(error: { name: string; message: string; code?: string }): Error {
  if (error.code && (ERROR_CODES as readonly string[]).includes(error.code)) {
    return new StratusError({ code: error.code as ErrorCode, message: error.message });
  }
  return new StratusError({ code: 'CORRUPT_DATA', message: `Reading the MLflow database failed: ${error.message}` });
}

export class SqliteClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private stopped: Error | undefined;

  private constructor(
    private readonly worker: Worker,
    readonly file: string,
  ) {
    // Referenced only while a request is pending, so an idle store never keeps the CLI alive.
    worker.unref();
    worker.on('message', (reply: SqliteReply) => this.settle(reply));
    worker.on('error', (err) => this.stop(new Error(`The MLflow database reader for ${file} failed: ${err.message}`)));
    worker.on('exit', (code) => this.stop(new Error(`The MLflow database reader for ${file} stopped (exit code ${code}).`)));
  }

  static async open(file: string): Promise<SqliteClient> {
    const client = new SqliteClient(startWorker(import.meta.url, 'sqlite-worker'), file);
    try {
      await client.send({ id: client.nextId++, op: 'open', file });
    } catch (err) {
      await client.worker.terminate();
      throw err;
    }
    return client;
  }

  /** A worker without a database, for parseTraceJson only. */
  static parser(label: string): SqliteClient {
    return new SqliteClient(startWorker(import.meta.url, 'sqlite-worker'), label);
  }

  call<K extends SqliteOp>(op: K, ...args: Parameters<WorkerOps[K]>): Promise<ReturnType<WorkerOps[K]>> {
    // `op` and `args` match by this signature; TypeScript cannot narrow the union of requests by K.
    return this.send({ id: this.nextId++, op, args } as SqliteOpRequest) as Promise<ReturnType<WorkerOps[K]>>;
  }

  async close(): Promise<void> {
    if (this.stopped) return;
    await this.send({ id: this.nextId++, op: 'close' }).catch(() => undefined);
    this.stop(new Error(`The MLflow database ${this.file} is closed.`));
    await this.worker.terminate();
  }

  private send(request: SqliteRequest): Promise<unknown> {
    if (this.stopped) return Promise.reject(this.stopped);
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(request.id, { resolve, reject });
      this.worker.postMessage(request);
    });
  }

  private settle(reply: SqliteReply): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.ok) waiting.resolve(reply.value);
    else waiting.reject(rebuild(reply.error));
  }

  private stop(err: Error): void {
    this.stopped ??= err;
    for (const waiting of this.pending.values()) waiting.reject(err);
    this.pending.clear();
  }
}
