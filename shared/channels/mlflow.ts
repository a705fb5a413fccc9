import {
  ArtifactArgs,
  ArtifactListing,
  ArtifactPreview,
  ArtifactsArgs,
  ExperimentList,
  ExperimentsArgs,
  MetricHistory,
  MetricHistoryArgs,
  MlflowRunDetail,
  MlflowStatus,
  RunArgs,
  RunPage,
  RunsArgs,
  Span,
  SpanArgs,
  TraceArgs,
  TraceDetail,
  TracePage,
  TracesArgs,
  WorkspaceOnly,
} from '../schemas/mlflow.js';

/** Browsing an MLflow tracking store (sqlite, file store or server) attached to a workspace. */
export const mlflowChannels = {
  'mlflow.status': { args: WorkspaceOnly, result: MlflowStatus },
  'mlflow.experiments': { args: ExperimentsArgs, result: ExperimentList },
  'mlflow.runs': { args: RunsArgs, result: RunPage },
  'mlflow.run': { args: RunArgs, result: MlflowRunDetail },
  'mlflow.metricHistory': { args: MetricHistoryArgs, result: MetricHistory },
  'mlflow.artifacts': { args: ArtifactsArgs, result: ArtifactListing },
  'mlflow.artifact': { args: ArtifactArgs, result: ArtifactPreview },
  'mlflow.traces': { args: TracesArgs, result: TracePage },
  'mlflow.trace': { args: TraceArgs, result: TraceDetail },
  /** One span whole (inputs, outputs, attributes), for traces whose spans came without payloads. */
  'mlflow.span': { args: SpanArgs, result: Span },
} as const;

export const mlflowEvents = {} as const;

export type MlflowChannel = keyof typeof mlflowChannels;
