import type { Span } from '../../../shared/schemas/mlflow.js';
import type { ParsedTrace } from '../spans.js';
import type { SqliteStore } from './sqlite-store.js';
import type { RpcReply } from '../../core/workers/worker-rpc.js';

// Messages between SqliteClient (main thread) and the mlflow-sqlite worker. Each operation is a
// SqliteStore method, or one of the traces.json operations the worker answers without a database;
// so arguments and results are typed once, by the methods themselves.

/** traces.json parsing, off the main thread (the sqlite fallback and the file store use it). */
export interface TraceJsonOps {
  parseTraceJson(json: string): ParsedTrace;
  /** One span whole; null when the document has no such span. */
  spanFromTraceJson(json: string, spanId: string): Span | null;
}

export type WorkerOps = Pick<SqliteStore, 'experiments' | 'runs' | 'run' | 'metricHistory' | 'traces' | 'trace' | 'span'> & TraceJsonOps;

export const STORE_OPS = ['experiments', 'runs', 'run', 'metricHistory', 'traces', 'trace', 'span'] as const satisfies readonly (keyof SqliteStore)[];
export const TRACE_JSON_OPS = ['parseTraceJson', 'spanFromTraceJson'] as const satisfies readonly (keyof TraceJsonOps)[];

export type SqliteOp = (typeof STORE_OPS)[number] | (typeof TRACE_JSON_OPS)[number];

export type SqliteOpRequest = { [K in SqliteOp]: { id: number; op: K; args: Parameters<WorkerOps[K]> } }[SqliteOp];

export type SqliteRequest = { id: number; op: 'open'; file: string } | { id: number; op: 'close' } | SqliteOpRequest;

export type SqliteReply = RpcReply<{ name: string; message: string; code?: string }>;
