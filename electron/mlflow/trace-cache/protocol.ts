import type { TokenPrice, TokensLatency, TokensSummary } from '../../../shared/schemas/mlflow-tokens.js';
import type { RpcReply } from '../../core/workers/worker-rpc.js';
import type { SummaryFilter } from '../tokens/aggregate.js';
import type { CacheCounts, CachedInfo, SpanResult, SyncPosition } from './cache-db.js';

// Messages between TraceCache (main thread) and the trace cache worker; each names its cache file.

export type TraceCacheRequest = { id: number; file: string } & (
  | { op: 'position'; experimentId: string }
  | { op: 'savePage'; infos: CachedInfo[]; position: SyncPosition | null }
  | { op: 'inProgress'; experimentIds: string[]; limit: number }
  | { op: 'pendingSpans'; limit: number }
  | { op: 'saveSpans'; results: SpanResult[] }
  | { op: 'counts' }
  | { op: 'summary'; filter: SummaryFilter; prices: TokenPrice[] }
  | { op: 'latency'; filter: SummaryFilter }
  | { op: 'clear' }
  | { op: 'close' }
);

export interface TraceCacheAnswers {
  position: SyncPosition;
  savePage: undefined;
  inProgress: string[];
  pendingSpans: string[];
  saveSpans: undefined;
  counts: CacheCounts;
  summary: TokensSummary;
  latency: TokensLatency;
  clear: undefined;
  close: undefined;
}

export interface TraceCacheErrorShape {
  name: string;
  message: string;
}

export type TraceCacheReply = RpcReply<TraceCacheErrorShape>;
