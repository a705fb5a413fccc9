import type { TokensDayModel, TokensLatency } from '../../../shared/schemas/mlflow-tokens.js';
import type { SummaryFilter } from './aggregate.js';
import type { SummaryParts } from './summary.js';
import type { SyncResult } from './usage-sync.js';
import type { RpcReply } from '../../core/workers/worker-rpc.js';

// Messages between TokenAnalytics (main thread) and the token worker. Every request names the
// cache file and the MLflow file it derives from; the worker syncs the cache before answering.

export type TokenRequest =
  | { id: number; op: 'summary'; cacheFile: string; sourceFile: string; filter: SummaryFilter }
  | { id: number; op: 'days'; cacheFile: string; sourceFile: string; filter: SummaryFilter }
  | { id: number; op: 'latency'; cacheFile: string; sourceFile: string; filter: SummaryFilter }
  | { id: number; op: 'sync'; cacheFile: string; sourceFile: string }
  | { id: number; op: 'close' };

export interface TokenAnswers {
  summary: { parts: SummaryParts; sync: SyncResult };
  days: { days: TokensDayModel[]; sync: SyncResult };
  latency: { latency: TokensLatency; sync: SyncResult };
  sync: SyncResult;
  close: undefined;
}

/** An error as it crosses the thread boundary; `name` tells SourceError and SchemaVersionError apart. */
export interface TokenErrorShape {
  name: string;
  message: string;
  /** SourceError's code. */
  code?: 'NOT_FOUND' | 'CORRUPT_DATA';
}

export type TokenReply = RpcReply<TokenErrorShape>;
