import type { PriceRow, TokensLatency, TokensSummary } from '../../../shared/schemas/mlflow-tokens.js';
import type { RpcReply } from '../../core/workers/worker-rpc.js';
import type { SummaryFilter } from '../tokens/aggregate.js';
import type { PromptsResult, PromptTracesResult } from '../../../shared/schemas/mlflow-prompts.js';
import type { PromptTracesQuery } from '../prompts/group-prompts.js';
import type { RegistryVersion } from '../prompts/prompt-record.js';
import type { CacheCounts, CachedInfo, SpanProblem, SpanResult, SyncPosition } from './cache-db.js';
import type { FileTrace } from './file-traces.js';
import type { CachedSpanPage, CachedSpanQuery } from './span-search.js';

// Messages between TraceCache (main thread) and the trace cache worker; each names its cache file.

export type TraceCacheRequest = { id: number; file: string } & (
  | { op: 'position'; experimentId: string }
  | { op: 'savePage'; infos: CachedInfo[]; position: SyncPosition | null }
  | { op: 'inProgress'; experimentIds: string[]; limit: number }
  | { op: 'pendingSpans'; limit: number }
  | { op: 'saveSpans'; results: SpanResult[] }
  | { op: 'counts' }
  | { op: 'folderTodo'; experimentId: string; ids: string[]; recheck: number }
  | { op: 'saveFileTraces'; traces: FileTrace[] }
  | { op: 'spanProblems'; experimentIds: string[] | null; limit: number }
  | { op: 'unreadable'; limit: number }
  | { op: 'summary'; filter: SummaryFilter; prices: PriceRow[] }
  | { op: 'latency'; filter: SummaryFilter }
  | { op: 'clear' }
  | { op: 'spanSearch'; query: CachedSpanQuery }
  // Closes the connection to this cache file (before its folder is deleted).
  | { op: 'release' }
  | { op: 'prompts'; experimentIds: string[]; registry: RegistryVersion[]; prices: PriceRow[] }
  | { op: 'promptTraces'; experimentIds: string[]; query: PromptTracesQuery }
  // `file` is the MLflow sqlite store itself, read-only.
  | { op: 'sqlitePrompts'; experimentIds: string[]; prices: PriceRow[] }
  | { op: 'sqlitePromptTraces'; experimentIds: string[]; query: PromptTracesQuery }
  | { op: 'close' }
);

export interface TraceCacheAnswers {
  position: SyncPosition;
  savePage: undefined;
  inProgress: string[];
  pendingSpans: string[];
  saveSpans: undefined;
  counts: CacheCounts;
  folderTodo: string[];
  saveFileTraces: undefined;
  spanProblems: SpanProblem[];
  unreadable: { unreadable: number; problems: SpanProblem[] };
  summary: TokensSummary;
  latency: TokensLatency;
  clear: undefined;
  spanSearch: CachedSpanPage;
  release: undefined;
  prompts: PromptsResult;
  promptTraces: PromptTracesResult;
  sqlitePrompts: PromptsResult;
  sqlitePromptTraces: PromptTracesResult;
  close: undefined;
}

export interface TraceCacheErrorShape {
  name: string;
  message: string;
  /** An MLflow sqlite store that cannot be read (tokens/usage-sync.ts SourceError). */
  code?: 'NOT_FOUND' | 'CORRUPT_DATA';
}

export type TraceCacheReply = RpcReply<TraceCacheErrorShape>;
