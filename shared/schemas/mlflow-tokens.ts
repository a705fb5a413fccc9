import { z } from 'zod';
import { Id, lineOfText } from './common.js';

// Token usage analytics over an MLflow workspace's LLM traces, and the price table that turns
// tokens into cost. Everything here is a pure shape; the aggregation lives in electron/mlflow/tokens.

/** MLflow experiment ids: decimal in the SQL store, other opaque forms on other servers. */
export const TokensExperimentId = z.string().max(64).regex(/^[A-Za-z0-9_-]{1,64}$/, 'An MLflow experiment id');

/** Epoch milliseconds (UTC). */
const EpochMsArg = z.number().int('Time must be whole milliseconds').min(0, 'Time must not be negative').max(8.64e15, 'Time is out of range');

export const TokensSummaryRequest = z
  .object({
    workspaceId: Id,
    experimentIds: z.array(TokensExperimentId).min(1, 'Choose at least one experiment').max(200, 'Too many experiments'),
    /** Inclusive lower bound on the trace's start time. */
    from: EpochMsArg.optional(),
    /** Exclusive upper bound on the trace's start time. */
    to: EpochMsArg.optional(),
    /** How many traces to list under topTraces (default 10). */
    topN: z.number().int().min(1, 'topN must be at least 1').max(100, 'topN must be at most 100').optional(),
  })
  .strict()
  .refine((r) => r.from === undefined || r.to === undefined || r.from < r.to, 'The start of the range must be before its end');
export type TokensSummaryRequest = z.infer<typeof TokensSummaryRequest>;

const Count = z.number().int().nonnegative();
/** Token amounts as the store recorded them: MLflow writes whole numbers, but the data is not ours to reject. */
const Tokens = z.number();

/** Input, output and total tokens, plus how many traces they came from. */
export const TokenTotals = z.object({ input: Tokens, output: Tokens, total: Tokens, traces: Count });
export type TokenTotals = z.infer<typeof TokenTotals>;

/** null = the trace's spans name no model. */
const ModelName = z.string().nullable();

export const TokensDayModel = TokenTotals.extend({
  /** UTC calendar day of the trace's start, YYYY-MM-DD. */
  day: z.string(),
  model: ModelName,
});
export type TokensDayModel = z.infer<typeof TokensDayModel>;

/** Prompt-cache counts as responses reported them (see shared/token-usage.ts CacheUsage). */
export const TokenCacheCounts = z.object({ cacheRead: Tokens, cacheWrite: Tokens, cacheInInput: Tokens });
export type TokenCacheCounts = z.infer<typeof TokenCacheCounts>;

/**
 * Where a model's price came from: the saved workspace's own price ('workspace'), the user's
 * app-wide price table ('override'), the catalog shipped with the app, or nowhere.
 */
export const PriceSource = z.enum(['workspace', 'override', 'catalog']).nullable();
export type PriceSource = z.infer<typeof PriceSource>;

export const TokensByModel = TokenTotals.merge(TokenCacheCounts).extend({
  model: ModelName,
  /** USD from the price table or the catalog; null when the model has no price (or is unknown). */
  cost: z.number().nullable(),
  priceSource: PriceSource,
  /** The price row or catalog entry used (a catalog entry's canonical name); null without a price. */
  priceModel: z.string().nullable(),
});
export type TokensByModel = z.infer<typeof TokensByModel>;

export const TokensByUser = TokenTotals.extend({ user: z.string().nullable() });
export type TokensByUser = z.infer<typeof TokensByUser>;
export const TokensBySession = TokenTotals.extend({ session: z.string().nullable() });
export type TokensBySession = z.infer<typeof TokensBySession>;

export const TokensTopTrace = z.object({
  traceId: z.string(),
  experimentId: z.string(),
  /** mlflow.traceName tag; null when absent. */
  name: z.string().nullable(),
  /** Start of the trace, epoch ms. */
  timestamp: z.number(),
  model: ModelName,
  input: Tokens,
  output: Tokens,
  total: Tokens,
});
export type TokensTopTrace = z.infer<typeof TokensTopTrace>;

/** Nearest-rank percentiles of total tokens per trace, over traces that have usage; null when none have. */
export const TokensPercentiles = z.object({
  p50: z.number().nullable(),
  p90: z.number().nullable(),
  p99: z.number().nullable(),
});
export type TokensPercentiles = z.infer<typeof TokensPercentiles>;

/** Durations in ms (nearest rank) and errors of finished traces or ended spans. */
export const LatencyStats = z.object({
  count: Count,
  p50: z.number().nullable(),
  p90: z.number().nullable(),
  p99: z.number().nullable(),
  errors: Count,
  /** errors / count; null when count is 0. */
  errorRate: z.number().nullable(),
});
export type LatencyStats = z.infer<typeof LatencyStats>;

export const TokensLatency = z.object({
  /** Finished (OK or ERROR) traces of the selection. */
  traces: LatencyStats,
  /** Per UTC day of the trace's start, sorted by day. */
  days: z.array(LatencyStats.extend({ day: z.string() })).max(40_000),
  /** Spans by mlflow span type, most spans first; empty when the source's spans were not read. */
  spanTypes: z.array(LatencyStats.extend({ spanType: z.string().nullable() })).max(200),
  /** Spans that carry usage, by the model they called, most spans first. */
  models: z.array(LatencyStats.extend({ model: ModelName })).max(200),
  /** False when the source gives trace rows only (file store): no span figures. */
  spansRead: z.boolean(),
  /** A tracking server's cache: traces of the selection whose spans are still to be read (span figures cover the others). */
  spansPending: Count.optional(),
});
export type TokensLatency = z.infer<typeof TokensLatency>;

export const TokensSummary = z.object({
  totals: z.object({
    input: Tokens,
    output: Tokens,
    total: Tokens,
    /** Traces in the selection (with or without usage). */
    traces: Count,
    tracesWithUsage: Count,
  }),
  /** Sorted by day, then model. Only traces with usage contribute. */
  days: z.array(TokensDayModel),
  /** Sorted by total tokens, largest first. */
  models: z.array(TokensByModel),
  /** Sorted by total tokens, largest first; at most 200 (see userCount). */
  users: z.array(TokensByUser),
  userCount: Count,
  /** Sorted by total tokens, largest first; at most 200 (see sessionCount). */
  sessions: z.array(TokensBySession),
  sessionCount: Count,
  perTrace: TokensPercentiles,
  topTraces: z.array(TokensTopTrace),
  cost: z.object({
    /** Sum over models that have a price; null when no model in the selection has one. */
    total: z.number().nullable(),
    /** Models with usage but no price (null = unknown model), so the UI can say what the total leaves out. */
    unpricedModels: z.array(ModelName),
    /** The shipped catalog's date (YYYY-MM-DD). */
    catalogDate: z.string(),
  }),
  /** Traces whose stored mlflow.trace.tokenUsage differs from the app's sum over spans. */
  mismatches: z.object({ count: Count, traceIds: z.array(z.string()).max(20) }),
});
export type TokensSummary = z.infer<typeof TokensSummary>;

const Price = (what: string) =>
  z
    .number({ message: `${what} must be a number` })
    .finite(`${what} must be a finite number`)
    .min(0, `${what} must not be negative`)
    .max(1_000_000, `${what} is implausibly large`);

/** USD per million tokens for one model name (matched exactly against the trace's model); wins over the catalog. */
export const TokenPrice = z
  .object({
    model: lineOfText('Model name', 200),
    inputPer1M: Price('Input price'),
    outputPer1M: Price('Output price'),
    /** Cached prompt tokens; null or absent: they cost the input price. */
    cachedInputPer1M: Price('Cached input price').nullable().optional(),
    /** Prompt tokens written to the cache; null or absent: they cost the input price. */
    cacheWritePer1M: Price('Cache write price').nullable().optional(),
  })
  .strict();
export type TokenPrice = z.infer<typeof TokenPrice>;

export const TokenPriceRows = z.object({ rows: z.array(TokenPrice) });
export type TokenPriceRows = z.infer<typeof TokenPriceRows>;

export const SetTokenPrices = z
  .object({ rows: z.array(TokenPrice).max(1000, 'At most 1000 price rows') })
  .strict()
  .refine((a) => new Set(a.rows.map((r) => r.model)).size === a.rows.length, 'Each model may have only one price row');
export type SetTokenPrices = z.infer<typeof SetTokenPrices>;

/** A price row as main resolves it: `workspace` marks a saved workspace's own price, which wins over the app-wide rows. */
export type PriceRow = TokenPrice & { workspace?: boolean };

export const WorkspacePricesRequest = z.object({ workspaceId: Id }).strict();
export type WorkspacePricesRequest = z.infer<typeof WorkspacePricesRequest>;

export const WorkspacePriceRows = z.object({
  /** False for a workspace opened without saving it: it has no prices of its own, only the app-wide ones. */
  saved: z.boolean(),
  rows: z.array(TokenPrice),
});
export type WorkspacePriceRows = z.infer<typeof WorkspacePriceRows>;

export const SetWorkspacePrices = z
  .object({ workspaceId: Id, rows: z.array(TokenPrice).max(1000, 'At most 1000 price rows') })
  .strict()
  .refine((a) => new Set(a.rows.map((r) => r.model)).size === a.rows.length, 'Each model may have only one price row');
export type SetWorkspacePrices = z.infer<typeof SetWorkspacePrices>;
