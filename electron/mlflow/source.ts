import type {
  ArtifactListing,
  ArtifactPreview,
  Experiment,
  LifecycleView,
  MetricHistory,
  MlflowRunDetail,
  MlflowSourceInfo,
  RunPage,
  Span,
  TraceDetail,
  TraceFilter,
  TracePage,
  TraceSort,
} from '../../shared/schemas/mlflow.js';
import type { BlobLocation } from '../core/blob-location.js';
import type { RunFilter } from './run-filter.js';

// One interface over every place MLflow data can live: an mlflow.db (sqlite), a file store
// (mlruns/) and a tracking server (REST). Handlers and the CLI only ever see this.

export interface RunQuery {
  experimentIds: string[];
  view: LifecycleView;
  maxResults: number;
  pageToken?: string;
  /** MLflow's search grammar, parsed; runs that fail it are left out before paging. */
  filter?: RunFilter;
}

export interface TraceQuery {
  experimentIds: string[];
  filter: TraceFilter;
  sort: TraceSort;
  pageSize: number;
  pageToken?: string;
}

export interface MlflowSource {
  readonly info: MlflowSourceInfo;
  experiments(view: LifecycleView): Promise<Experiment[]>;
  runs(query: RunQuery): Promise<RunPage>;
  /** NOT_FOUND when there is no such run. */
  run(runId: string): Promise<MlflowRunDetail>;
  metricHistory(runIds: string[], key: string): Promise<MetricHistory>;
  artifacts(runId: string, path: string): Promise<ArtifactListing>;
  artifact(runId: string, path: string): Promise<ArtifactPreview>;
  /** The run's artifacts as blobs, for uploads and downloads; refused (with the reason) where they are not in Azure Blob Storage. */
  artifactBlobLocation(runId: string): Promise<BlobLocation>;
  traces(query: TraceQuery): Promise<TracePage>;
  /** NOT_FOUND when there is no such trace. */
  trace(traceId: string): Promise<TraceDetail>;
  /** One span whole; NOT_FOUND when the trace has no such span. */
  span(traceId: string, spanId: string): Promise<Span>;
  close(): Promise<void>;
}
