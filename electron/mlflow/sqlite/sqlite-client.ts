import type { Worker } from 'node:worker_threads';
import { ERROR_CODES, StratusError, type ErrorCode } from '../../../shared/errors.js';
import { startWorker } from '../../core/workers/worker-entry.js';
import { WorkerRpc } from '../../core/workers/worker-rpc.js';
import type { SqliteOp, SqliteOpRequest, SqliteReply, SqliteRequest, WorkerOps } from './protocol.js';

// The main-thread side of an mlflow.db: every call is a message to the mlflow-sqlite worker
// (started as electron/index/metaflow-index.ts starts its worker; see there for why through
// startWorker).

type SqliteError = Extract<SqliteReply, { ok: false }>['error'];

function rebuild(error: SqliteError): Error {
  if (error.code && (ERROR_CODES as readonly string[]).includes(error.code)) {
    return new StratusError({ code: error.code as ErrorCode, message: error.message });
  }
  return new StratusError({ code: 'CORRUPT_DATA', message: `Reading the MLflow database failed: ${error.message}` });
}

export class SqliteClient {
  private readonly rpc: WorkerRpc<SqliteError>;

  private constructor(
    worker: Worker,
    readonly file: string,
  ) {
    this.rpc = new WorkerRpc(worker, {
      rebuild,
      died: (cause) =>
        new Error('error' in cause ? `The MLflow database reader for ${file} failed: ${cause.error.message}` : `The MLflow database reader for ${file} stopped (exit code ${cause.exitCode}).`),
    });
  }

  static async open(file: string): Promise<SqliteClient> {
    const client = new SqliteClient(startWorker(import.meta.url, 'sqlite-worker'), file);
    try {
      await client.rpc.request((id) => ({ id, op: 'open', file }) satisfies SqliteRequest);
    } catch (err) {
      await client.rpc.stop(err as Error);
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
    return this.rpc.request((id) => ({ id, op, args }) as SqliteOpRequest) as Promise<ReturnType<WorkerOps[K]>>;
  }

  async close(): Promise<void> {
    if (this.rpc.stoppedWith) return;
    await this.rpc.request((id) => ({ id, op: 'close' }) satisfies SqliteRequest).catch(() => undefined);
    await this.rpc.stop(new Error(`The MLflow database ${this.file} is closed.`));
  }
}
