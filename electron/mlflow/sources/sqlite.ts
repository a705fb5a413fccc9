import { access } from 'node:fs/promises';
import { StratusError } from '../../../shared/errors.js';
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
  TracePage,
} from '../../../shared/schemas/mlflow.js';
import type { BlobLocation } from '../../core/blob-location.js';
import type { ArtifactRoots } from '../artifact-roots.js';
import { listArtifacts, previewArtifact } from '../artifacts.js';
import type { MlflowSource, RunQuery, TraceQuery } from '../source.js';
import { SqliteClient } from '../sqlite/sqlite-client.js';
import { mapLimited } from '../../core/limit.js';
import { factsOf, spansFromArtifacts, traceJsonText } from '../trace-spans.js';
import { traceRow } from '../trace-row.js';

// An mlflow.db opened read-only in the mlflow-sqlite worker. Spans come from the spans table,
// else from traces.json in the trace's artifact location (parsed in the worker too).

const ARTIFACT_READS_AT_ONCE = 8;

export class SqliteSource implements MlflowSource {
  private constructor(
    private readonly client: SqliteClient,
    private readonly roots: ArtifactRoots,
    readonly info: MlflowSourceInfo,
  ) {}

  static async open(file: string, uri: string, roots: ArtifactRoots): Promise<SqliteSource> {
    try {
      await access(file);
    } catch {
      throw new StratusError({ code: 'NOT_FOUND', message: `The MLflow database ${file} does not exist (tracking URI ${uri}).` });
    }
    return new SqliteSource(await SqliteClient.open(file), roots, { kind: 'sqlite', uri });
  }

  experiments(view: LifecycleView): Promise<Experiment[]> {
    return this.client.call('experiments', view);
  }

  runs(query: RunQuery): Promise<RunPage> {
    return this.client.call('runs', query);
  }

  async run(runId: string): Promise<MlflowRunDetail> {
    const detail = await this.client.call('run', runId);
    if (!detail) throw new StratusError({ code: 'NOT_FOUND', message: `There is no MLflow run ${runId} in ${this.info.uri}.` });
    return detail;
  }

  async metricHistory(runIds: string[], key: string): Promise<MetricHistory> {
    return { key, series: await this.client.call('metricHistory', runIds, key) };
  }

  async artifacts(runId: string, path: string): Promise<ArtifactListing> {
    return listArtifacts(await this.artifactRoot(runId), path);
  }

  async artifact(runId: string, path: string): Promise<ArtifactPreview> {
    return previewArtifact(await this.artifactRoot(runId), path);
  }

  async traces(query: TraceQuery): Promise<TracePage> {
    const page = await this.client.call('traces', query);
    const traces = await mapLimited(page.rows, ARTIFACT_READS_AT_ONCE, async (row) => {
      if (row.spans !== null) return traceRow(row.info, row.spans);
      const loaded = await spansFromArtifacts(this.roots, row.info.tags, (json) => this.client.call('parseTraceJson', json));
      return traceRow(row.info, loaded.spans ? factsOf(loaded.spans) : null);
    });
    return { traces, nextPageToken: page.nextPageToken, total: page.total };
  }

  async trace(traceId: string): Promise<TraceDetail> {
    const record = await this.client.call('trace', traceId);
    if (!record) throw new StratusError({ code: 'NOT_FOUND', message: `There is no trace ${traceId} in ${this.info.uri}.` });
    const problems: string[] = [];
    let spans = record.spans;
    let payloads = record.payloads;
    let spanSource: TraceDetail['spanSource'] = spans ? 'spans table' : null;
    if (!spans) {
      const loaded = await spansFromArtifacts(this.roots, record.info.tags, (json) => this.client.call('parseTraceJson', json));
      spans = loaded.spans;
      if (loaded.spans) {
        spanSource = 'traces.json artifact';
        payloads = loaded.payloads;
      } else problems.push(loaded.problem);
    }
    return {
      info: traceRow(record.info, spans ? factsOf(spans) : null),
      metadata: record.info.metadata,
      assessments: record.assessments,
      spans: spans ?? [],
      spanTotal: spans?.length ?? 0,
      spanSource,
      problems,
      spanPayloads: payloads,
    };
  }

  async span(traceId: string, spanId: string): Promise<Span> {
    const found = await this.client.call('span', traceId, spanId);
    if (found) return found;
    const record = await this.client.call('trace', traceId);
    if (!record) throw new StratusError({ code: 'NOT_FOUND', message: `There is no trace ${traceId} in ${this.info.uri}.` });
    const fromArtifact = await this.client.call('spanFromTraceJson', await traceJsonText(this.roots, record.info.tags), spanId);
    if (!fromArtifact) throw new StratusError({ code: 'NOT_FOUND', message: `Trace ${traceId} has no span ${spanId}.` });
    return fromArtifact;
  }

  close(): Promise<void> {
    return this.client.close();
  }

  async artifactBlobLocation(runId: string): Promise<BlobLocation> {
    return this.roots.blobLocation(await this.artifactUri(runId));
  }

  private async artifactUri(runId: string): Promise<string> {
    const { run } = await this.run(runId);
    if (!run.artifactUri) throw new StratusError({ code: 'NOT_FOUND', message: `Run ${runId} has no artifact location.` });
    return run.artifactUri;
  }

  private async artifactRoot(runId: string) {
    return this.roots.resolve(await this.artifactUri(runId));
  }
}
