import { z } from 'zod';
import { MAX_RUN_FILTER_LENGTH } from '../run-filter/parse.js';
import { hasControlCharacters } from '../sysroot.js';
import { Id, lineOfText } from './common.js';
import { Json } from '../json.js';

// MLflow browsing: experiments, runs, metric history, artifacts, traces and spans. Every result is
// plain JSON and bounded (pages, caps on previews and on span payloads) so it can cross IPC.

/** MLflow ids: numeric in the SQL store, other opaque forms on other servers. */
export const MlflowExperimentId = z.string().max(64).regex(/^[A-Za-z0-9_-]{1,64}$/, 'An MLflow experiment id');
export const MlflowRunId = z.string().max(64).regex(/^[A-Za-z0-9_-]{1,64}$/, 'An MLflow run id');
/** `tr-<32 hex>` in MLflow 3; other servers use other opaque ids. */
export const MlflowTraceId = z.string().max(128).regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'An MLflow trace id');
export const MlflowSpanId = z.string().max(64).regex(/^[A-Za-z0-9_-]{1,64}$/, 'An MLflow span id (hex)');
export const MetricKey = lineOfText('The metric key', 250);
export const PageToken = lineOfText('The page token', 2048);

/** A path inside a run's artifact root: relative, '/'-separated, no '.' or '..' segments; the root itself is no path. */
export const ArtifactPath = z
  .string()
  .min(1, 'The artifact path must not be empty (leave it out for the root)')
  .max(1024, 'The artifact path is too long')
  .refine((s) => !hasControlCharacters(s), 'The artifact path must not contain control characters')
  .refine((s) => !s.startsWith('/') && !s.includes('\\'), 'The artifact path must be relative and use "/"')
  .refine((s) => s.split('/').every((p) => p !== '' && p !== '.' && p !== '..'), 'The artifact path must not contain empty, "." or ".." segments');

export const LifecycleView = z.enum(['active', 'deleted', 'all']);
export type LifecycleView = z.infer<typeof LifecycleView>;
export const LifecycleStage = z.enum(['active', 'deleted']);

const EpochMs = z.number().nullable();
const StringMap = z.record(z.string(), z.string());

export const MlflowSourceKind = z.enum(['sqlite', 'file', 'rest']);
export type MlflowSourceKind = z.infer<typeof MlflowSourceKind>;

/** Where a workspace's MLflow data comes from; `uri` never carries credentials. */
export const MlflowSourceInfo = z.object({ kind: MlflowSourceKind, uri: z.string() });
export type MlflowSourceInfo = z.infer<typeof MlflowSourceInfo>;

export const MlflowStatus = z.object({
  /** False when the workspace has no MLflow tracking URI. */
  configured: z.boolean(),
  source: MlflowSourceInfo.nullable(),
});

export const Experiment = z.object({
  experimentId: z.string(),
  name: z.string(),
  artifactLocation: z.string().nullable(),
  lifecycleStage: LifecycleStage,
  creationTime: EpochMs,
  lastUpdateTime: EpochMs,
  tags: StringMap,
});
export type Experiment = z.infer<typeof Experiment>;

export const ExperimentsArgs = z.object({ workspaceId: Id, view: LifecycleView.optional() }).strict();
export const ExperimentList = z.object({ experiments: z.array(Experiment), source: MlflowSourceInfo });
export type ExperimentList = z.infer<typeof ExperimentList>;

export const RunStatusMlflow = z.enum(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED']);

/** The latest value of a metric; value null for NaN (and ±Infinity, which JSON cannot carry). */
export const LatestMetric = z.object({ value: z.number().nullable(), step: z.number(), timestamp: z.number() });

export const MlflowRun = z.object({
  runId: z.string(),
  experimentId: z.string(),
  name: z.string(),
  status: RunStatusMlflow,
  lifecycleStage: LifecycleStage,
  user: z.string().nullable(),
  startTime: EpochMs,
  endTime: EpochMs,
  /** end − start for ended runs; null while running. */
  durationMs: EpochMs,
  /** From the `mlflow.parentRunId` tag. */
  parentRunId: z.string().nullable(),
  artifactUri: z.string().nullable(),
  params: StringMap,
  metrics: z.record(z.string(), LatestMetric),
  tags: StringMap,
});
export type MlflowRun = z.infer<typeof MlflowRun>;

export const RunsArgs = z
  .object({
    workspaceId: Id,
    experimentIds: z.array(MlflowExperimentId).min(1).max(100),
    view: LifecycleView.optional(),
    /** 1..1000, default 1000. */
    maxResults: z.number().int().min(1).max(1000).optional(),
    pageToken: PageToken.optional(),
    /** MLflow's search grammar (metrics.acc > 0.9 and params.model = 'x'); main parses it and refuses bad text with the column. */
    filter: z.string().max(MAX_RUN_FILTER_LENGTH).optional(),
  })
  .strict();
export const RunPage = z.object({ runs: z.array(MlflowRun), nextPageToken: z.string().nullable() });
export type RunPage = z.infer<typeof RunPage>;

export const RunInput = z.object({
  name: z.string(),
  digest: z.string(),
  sourceType: z.string(),
  /** JSON text as MLflow stored it. */
  source: z.string(),
  schema: z.string().nullable(),
  profile: z.string().nullable(),
  /** Input tags, e.g. `mlflow.data.context`. */
  tags: StringMap,
});
export type RunInput = z.infer<typeof RunInput>;

export const RunArgs = z.object({ workspaceId: Id, runId: MlflowRunId }).strict();
export const MlflowRunDetail = z.object({
  run: MlflowRun,
  /** `mlflow.note.content` (Markdown), null when absent. */
  description: z.string().nullable(),
  inputs: z.array(RunInput),
  deletedTime: EpochMs,
  /** Child runs (by `mlflow.parentRunId`), any lifecycle stage; null when the source cannot list them (REST). */
  childRunIds: z.array(z.string()).nullable(),
});
export type MlflowRunDetail = z.infer<typeof MlflowRunDetail>;

export const MetricHistoryArgs = z
  .object({ workspaceId: Id, runIds: z.array(MlflowRunId).min(1).max(50), key: MetricKey })
  .strict();
export const MetricPoint = z.object({ step: z.number(), timestamp: z.number(), value: z.number().nullable() });
export type MetricPoint = z.infer<typeof MetricPoint>;
/** At most MAX_METRIC_POINTS points per run, sorted by step then timestamp. */
export const MetricHistory = z.object({
  key: z.string(),
  series: z.array(z.object({ runId: z.string(), points: z.array(MetricPoint), truncated: z.boolean() })),
});
export type MetricHistory = z.infer<typeof MetricHistory>;
export const MAX_METRIC_POINTS = 100_000;

export const ArtifactsArgs = z.object({ workspaceId: Id, runId: MlflowRunId, path: ArtifactPath.optional() }).strict();
export const ArtifactEntryMlflow = z.object({
  /** Relative to the run's artifact root. */
  path: z.string(),
  name: z.string(),
  isDir: z.boolean(),
  size: z.number().nullable(),
});
export type ArtifactEntryMlflow = z.infer<typeof ArtifactEntryMlflow>;
/** One level of the artifact tree (directories first, then by name). */
export const ArtifactListing = z.object({ rootUri: z.string(), path: z.string(), entries: z.array(ArtifactEntryMlflow) });
export type ArtifactListing = z.infer<typeof ArtifactListing>;

export const ArtifactArgs = z.object({ workspaceId: Id, runId: MlflowRunId, path: ArtifactPath }).strict();
export const MAX_TEXT_PREVIEW_BYTES = 512 * 1024;
export const MAX_IMAGE_PREVIEW_BYTES = 8 * 1024 * 1024;
export const ArtifactPreview = z.discriminatedUnion('kind', [
  /** format: how to render (json → pretty-printed, csv → table, markdown, plain text). */
  z.object({
    kind: z.literal('text'),
    path: z.string(),
    size: z.number(),
    format: z.enum(['text', 'json', 'csv', 'markdown']),
    text: z.string(),
    truncated: z.boolean(),
  }),
  z.object({ kind: z.literal('image'), path: z.string(), size: z.number(), mimeType: z.string(), base64: z.string() }),
  /** Not previewable (binary, or an image over the cap): size only. */
  z.object({ kind: z.literal('binary'), path: z.string(), size: z.number() }),
]);
export type ArtifactPreview = z.infer<typeof ArtifactPreview>;

export const TokenCounts = z.object({ input: z.number(), output: z.number(), total: z.number() });
export type TokenCounts = z.infer<typeof TokenCounts>;

export const TraceState = z.enum(['OK', 'ERROR', 'IN_PROGRESS', 'STATE_UNSPECIFIED']);
export type TraceState = z.infer<typeof TraceState>;

/** Only a plain object: a Date or other class instance would pass an object of optional fields as {}. */
function plainObject<T extends z.ZodType>(schema: T, what: string) {
  const plain = z.custom<z.input<T>>((v) => v !== null && typeof v === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(v)), `${what} must be a plain object`);
  return plain.pipe(schema as unknown as z.ZodType<z.output<T>, z.input<T>>);
}

/**
 * Conditions on one span. Name and model are patterns as SQL's ILIKE has them (`%` any run, `_` one
 * character, case-insensitive; no wildcard: the whole value); the type is matched whole, ignoring case.
 */
export const SpanFilter = z
  .object({
    name: lineOfText('The span name', 250).optional(),
    type: lineOfText('The span type', 100).optional(),
    model: lineOfText('The span model', 250).optional(),
    status: z.enum(['OK', 'ERROR', 'UNSET']).optional(),
  })
  .strict();
export type SpanFilter = z.infer<typeof SpanFilter>;

const TraceFilterShape = z
  .object({
    states: z.array(TraceState).max(4).optional(),
    /** A trace tag; without value, any trace that has the key. */
    tag: z.object({ key: lineOfText('The tag key', 250), value: lineOfText('The tag value', 1000).optional() }).strict().optional(),
    /** `mlflow.trace.user` metadata. */
    user: lineOfText('The user', 250).optional(),
    /** `mlflow.trace.session` metadata. */
    session: lineOfText('The session', 250).optional(),
    /** `mlflow.sourceRun` metadata: traces MLflow linked to this run (made while it was active). */
    runId: MlflowRunId.optional(),
    /** Trace start time range, both ends inclusive (epoch ms). */
    fromMs: z.number().int().nonnegative().optional(),
    toMs: z.number().int().nonnegative().optional(),
    /** Total-token range, on MLflow's stored trace total (`mlflow.trace.tokenUsage`); traces without one never match. */
    minTokens: z.number().int().nonnegative().optional(),
    maxTokens: z.number().int().nonnegative().optional(),
    /** Case-insensitive substring of the name, request or response preview, or trace id. */
    text: lineOfText('The search text', 500).optional(),
    /** Traces with at least one span matching every condition given (all on that same span). */
    span: SpanFilter.optional(),
  })
  .strict();
export const TraceFilter = plainObject(TraceFilterShape, 'The trace filter');
export type TraceFilter = z.infer<typeof TraceFilter>;

/** `tokens` sorts by the stored trace total (traces without one last). */
export const TraceSort = z
  .object({ by: z.enum(['timestamp', 'duration', 'name', 'tokens']), order: z.enum(['asc', 'desc']) })
  .strict();
export type TraceSort = z.infer<typeof TraceSort>;

export const TracesArgs = z
  .object({
    workspaceId: Id,
    experimentIds: z.array(MlflowExperimentId).min(1).max(100),
    filter: TraceFilter.optional(),
    /** Default: newest first. */
    sort: TraceSort.optional(),
    /** 1..500, default 100. */
    pageSize: z.number().int().min(1).max(500).optional(),
    pageToken: PageToken.optional(),
  })
  .strict();
export type TracesArgs = z.infer<typeof TracesArgs>;

export const TraceRow = z.object({
  traceId: z.string(),
  experimentId: z.string(),
  timestampMs: z.number(),
  durationMs: z.number().nullable(),
  /** `mlflow.traceName` tag, else the root span's name. */
  name: z.string().nullable(),
  state: TraceState,
  requestPreview: z.string().nullable(),
  responsePreview: z.string().nullable(),
  /** From the first span naming one (attribute `model`, else inputs/outputs `model`). */
  model: z.string().nullable(),
  user: z.string().nullable(),
  session: z.string().nullable(),
  tags: StringMap,
  /** Computed from spans by MLflow's rule; null when no span carries usage. */
  tokens: TokenCounts.nullable(),
  /** `mlflow.trace.tokenUsage` as MLflow stored it; null when absent. */
  storedTokens: TokenCounts.nullable(),
  /** MLflow stored a total and the computed one differs from it (or is null). */
  tokenMismatch: z.boolean(),
  /** Null when the spans could not be read for this row (e.g. REST without the span artifact). */
  spanCount: z.number().nullable(),
});
export type TraceRow = z.infer<typeof TraceRow>;

export const TracePage = z.object({
  traces: z.array(TraceRow),
  nextPageToken: z.string().nullable(),
  /** Traces in all pages, when the source can count them cheaply (sqlite, file store; sqlite only without a filter); else null. */
  total: z.number().nullable(),
});
export type TracePage = z.infer<typeof TracePage>;

export const SpanEvent = z.object({
  name: z.string(),
  /** As recorded (MLflow's `record_exception` writes µs into this ns field; shown as-is). */
  timeUnixNano: z.number(),
  attributes: z.record(z.string(), Json),
});
export type SpanEvent = z.infer<typeof SpanEvent>;

export const SpanException = z.object({ type: z.string().nullable(), message: z.string().nullable(), stacktrace: z.string().nullable() });

/** Values larger than MAX_SPAN_VALUE_CHARS (JSON text) arrive as a truncated string with `truncated` set. */
export const MAX_SPAN_VALUE_CHARS = 64 * 1024;
/**
 * A trace with more spans than this comes without span payloads (inputs, outputs, attributes:
 * null / {}, `truncated` set; events and exceptions stay): fetch one span whole with `mlflow.span`.
 */
export const MAX_SPANS_WITH_PAYLOADS = 2000;

export const Span = z.object({
  spanId: z.string(),
  parentId: z.string().nullable(),
  name: z.string(),
  /** `mlflow.spanType`: AGENT, CHAT_MODEL, LLM, RETRIEVER, TOOL, CHAIN, PARSER, … */
  type: z.string().nullable(),
  status: z.enum(['OK', 'ERROR', 'UNSET']),
  statusMessage: z.string(),
  /** Epoch ms (fractional; ns precision beyond a double is lost). */
  startMs: z.number(),
  endMs: z.number().nullable(),
  inputs: Json,
  outputs: Json,
  /** Every other attribute, JSON-decoded. */
  attributes: z.record(z.string(), Json),
  events: z.array(SpanEvent),
  /** From the `exception` events. */
  exceptions: z.array(SpanException),
  /** `mlflow.message.format` (openai, anthropic, …) when set. */
  messageFormat: z.string().nullable(),
  model: z.string().nullable(),
  /** `mlflow.chat.tokenUsage` of this span itself. */
  usage: TokenCounts.nullable(),
  truncated: z.boolean(),
});
export type Span = z.infer<typeof Span>;

export const SpanSource = z.enum(['spans table', 'traces.json artifact', 'server']);
export type SpanSource = z.infer<typeof SpanSource>;

/** Most spans one `mlflow.trace` reply carries when the caller asks for a slice (`spanLimit`). */
export const MAX_SPAN_SLICE = 2000;
/** Larger than any trace MLflow can hold; only bounds the argument. */
const MAX_SPAN_OFFSET = 10_000_000;

export const TraceArgs = z
  .object({
    workspaceId: Id,
    traceId: MlflowTraceId,
    /** First span (in start order) of the slice; 0 when left out. */
    spanOffset: z.number().int().min(0).max(MAX_SPAN_OFFSET).optional(),
    /** Spans in the slice; every span from spanOffset on when left out (a small trace comes whole). */
    spanLimit: z.number().int().min(1).max(MAX_SPAN_SLICE).optional(),
  })
  .strict();
export type TraceArgs = z.infer<typeof TraceArgs>;
export const Assessment = z.object({
  assessmentId: z.string(),
  name: z.string(),
  type: z.string(),
  value: Json,
  rationale: z.string().nullable(),
  sourceType: z.string().nullable(),
  sourceId: z.string().nullable(),
  spanId: z.string().nullable(),
});
export const TraceDetail = z.object({
  info: TraceRow,
  metadata: StringMap,
  assessments: z.array(Assessment),
  /** In start order; parents before children is not guaranteed (build the tree from parentId). The asked slice only. */
  spans: z.array(Span),
  /** Spans in the whole trace; more than `spans.length` when a slice was asked for. */
  spanTotal: z.number().int().min(0),
  /** Null when no span source had this trace's spans. */
  spanSource: SpanSource.nullable(),
  /** Why spans are missing or incomplete, if they are. */
  problems: z.array(z.string()),
  /** `on request`: a large trace (over MAX_SPANS_WITH_PAYLOADS spans): get each span's payload with `mlflow.span`. */
  spanPayloads: z.enum(['included', 'on request']),
});
export type TraceDetail = z.infer<typeof TraceDetail>;

export const SpanArgs = z.object({ workspaceId: Id, traceId: MlflowTraceId, spanId: MlflowSpanId }).strict();

export const WorkspaceOnly = z.object({ workspaceId: Id }).strict();
