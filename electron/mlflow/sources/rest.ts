import { StratusError } from '../../../shared/errors.js';
import type {
  ArtifactListing,
  ArtifactPreview,
  Experiment,
  LifecycleView,
  MetricHistory,
  MetricPoint,
  MlflowRunDetail,
  MlflowSourceInfo,
  RunPage,
  Span,
  TraceDetail,
  TracePage,
  TraceRow,
} from '../../../shared/schemas/mlflow.js';
import { MAX_METRIC_POINTS } from '../../../shared/schemas/mlflow.js';
import type { Json } from '../../../shared/json.js';
import type { Env } from '../../azure/blob-client.js';
import { classifyArtifact, MAX_READ_BYTES } from '../artifacts.js';
import type { BlobLocation } from '../../core/blob-location.js';
import type { MlflowSource, RunQuery, TraceQuery } from '../source.js';
import { forTraceView, spansFromTraceJson } from '../spans.js';
import { mapLimited } from '../../core/limit.js';
import { factsOf } from '../trace-spans.js';
import { infoMatches, inTokenRange, spansMatch } from '../trace-match.js';
import { traceRow, type TraceInfoParts } from '../trace-row.js';
import { RestClient, RestError, redactUri } from './rest-client.js';
import { quote, serverTraceFilter } from './rest-trace-filter.js';
import { traceInfoOfV3 } from './rest-trace-info.js';
import { metricNumber, pairs, runOfRest } from './rest-run.js';
import type { RestAssessment, RestExperiment, RestMetric, RestRun, TraceInfoV2, TraceInfoV3 } from './rest-types.js';

// An MLflow tracking server over its REST API (v2 experiments/runs/metrics/artifacts, v3 traces).
// Quirks recorded from MLflow 3.5 (../shared/fixtures/mlflow/rest): metrics/get-history can answer
// a page with no metrics but a next_page_token, so paging continues through empty pages; the
// v3 traces/batchGet endpoint answers 404, so spans then come one trace at a time from
// get-trace-artifact (traces.json) and batchGet is not tried again.
//
// Span parsing of a whole traces.json runs on the main thread here (the sqlite source parses in
// its worker); a server answer is already bounded by what it streams per request.

/** MLflow 3's `tr-<32 hex>` and MLflow 2's 32-hex request ids: other search words are not looked up. */
const TRACE_ID_SHAPE = /^(tr-)?[0-9a-f]{32}$/;

const VIEW_TYPE: Record<LifecycleView, string> = { active: 'ACTIVE_ONLY', deleted: 'DELETED_ONLY', all: 'ALL' };
const PAGE = 100;
const SPAN_READS_AT_ONCE = 8;
const BATCH_GET_IDS = 50;
const MAX_HISTORY_PAGES = 1000;

/** Free text: a case-insensitive part of the id, name or previews (the needle in lower case). */
const textMatches = (r: TraceRow, needle: string) => [r.traceId, r.name, r.requestPreview, r.responsePreview].some((s) => s?.toLowerCase().includes(needle));

function jsonOf(value: unknown): Json {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as Json);
}

export class RestSource implements MlflowSource {
  readonly info: MlflowSourceInfo;
  /** Also read by the trace cache's sync (electron/mlflow/trace-cache/), which pages the same server. */
  readonly client: RestClient;
  /** Set once the server answered 404 to traces/batchGet (MLflow 3.5 does). */
  private batchGetMissing = false;
  /** Set once the server answered 404 to the v3 trace endpoints (an MLflow 2 server): v2 from then on. */
  private v3Missing = false;

  constructor(uri: string, env: Env) {
    this.client = new RestClient(uri, env);
    this.info = { kind: 'rest', uri: redactUri(uri) };
  }

  async experiments(view: LifecycleView): Promise<Experiment[]> {
    const out: Experiment[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.json<{ experiments?: RestExperiment[]; next_page_token?: string }>('POST', '/api/2.0/mlflow/experiments/search', {
        body: { max_results: PAGE, view_type: VIEW_TYPE[view], ...(token ? { page_token: token } : {}) },
      });
      for (const e of page.experiments ?? []) {
        out.push({
          experimentId: String(e.experiment_id),
          name: e.name ?? '',
          artifactLocation: e.artifact_location ?? null,
          lifecycleStage: e.lifecycle_stage === 'deleted' ? 'deleted' : 'active',
          creationTime: e.creation_time ?? null,
          lastUpdateTime: e.last_update_time ?? null,
          tags: pairs(e.tags),
        });
      }
      token = page.next_page_token || undefined;
    } while (token);
    return out.sort((a, b) => Number(a.experimentId) - Number(b.experimentId) || (a.experimentId < b.experimentId ? -1 : 1));
  }

  async runs(query: RunQuery): Promise<RunPage> {
    const page = await this.client.json<{ runs?: RestRun[]; next_page_token?: string }>('POST', '/api/2.0/mlflow/runs/search', {
      body: {
        experiment_ids: query.experimentIds,
        run_view_type: VIEW_TYPE[query.view],
        max_results: query.maxResults,
        order_by: ['attributes.start_time DESC'],
        ...(query.filter ? { filter: query.filter.text } : {}),
        ...(query.pageToken ? { page_token: query.pageToken } : {}),
      },
    });
    return { runs: (page.runs ?? []).map((r) => runOfRest(r)), nextPageToken: page.next_page_token || null };
  }

  async run(runId: string): Promise<MlflowRunDetail> {
    const { run } = await this.client.json<{ run: RestRun }>('GET', '/api/2.0/mlflow/runs/get', { query: { run_id: runId } });
    const summary = runOfRest(run);
    return {
      run: summary,
      description: summary.tags['mlflow.note.content'] ?? null,
      inputs: (run.inputs?.dataset_inputs ?? []).map((i) => ({
        name: i.dataset?.name ?? '',
        digest: i.dataset?.digest ?? '',
        sourceType: i.dataset?.source_type ?? '',
        source: i.dataset?.source ?? '',
        schema: i.dataset?.schema ?? null,
        profile: i.dataset?.profile ?? null,
        tags: pairs(i.tags),
      })),
      // runs/get does not say when a run was deleted.
      deletedTime: null,
      childRunIds: null,
    };
  }

  async metricHistory(runIds: string[], key: string): Promise<MetricHistory> {
    const series = await mapLimited(runIds, SPAN_READS_AT_ONCE, async (runId) => {
      const points: MetricPoint[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await this.client.json<{ metrics?: RestMetric[]; next_page_token?: string }>('GET', '/api/2.0/mlflow/metrics/get-history', {
          query: { run_id: runId, metric_key: key, max_results: 1000, page_token: token },
        });
        for (const m of page.metrics ?? []) {
          points.push({ step: m.step ?? 0, timestamp: m.timestamp ?? 0, value: metricNumber(m.value) });
        }
        token = page.next_page_token || undefined;
        pages += 1;
      } while (token && points.length <= MAX_METRIC_POINTS && pages < MAX_HISTORY_PAGES);
      points.sort((a, b) => a.step - b.step || a.timestamp - b.timestamp);
      return { runId, points: points.slice(0, MAX_METRIC_POINTS), truncated: points.length > MAX_METRIC_POINTS || token !== undefined };
    });
    return { key, series };
  }

  async artifactBlobLocation(runId: string): Promise<BlobLocation> {
    throw new StratusError({
      code: 'INVALID_ARGUMENT',
      message: `Run ${runId} is on an MLflow tracking server, which moves artifacts through its own API: Stratus transfers run artifacts only where it reads the blobs directly.`,
      hint: 'Log the files with MLflow (mlflow.log_artifacts), or open the mlflow.db or file store the server uses.',
    });
  }

  async artifacts(runId: string, path: string): Promise<ArtifactListing> {
    const listing = await this.client.json<{ root_uri?: string; files?: { path: string; is_dir?: boolean; file_size?: number | string }[] }>(
      'GET',
      '/api/2.0/mlflow/artifacts/list',
      { query: { run_id: runId, path: path === '' ? undefined : path } },
    );
    const entries = (listing.files ?? []).map((f) => ({
      path: f.path,
      name: f.path.split('/').pop() ?? f.path,
      isDir: f.is_dir === true,
      size: f.is_dir ? null : f.file_size === undefined ? null : Number(f.file_size),
    }));
    entries.sort((a, b) => (a.isDir === b.isDir ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.isDir ? -1 : 1));
    return { rootUri: listing.root_uri ?? '', path, entries };
  }

  async artifact(runId: string, path: string): Promise<ArtifactPreview> {
    const file = await this.client.bytes('/get-artifact', { path, run_uuid: runId }, MAX_READ_BYTES);
    return classifyArtifact(path, file.size, file.read);
  }

  async traces(query: TraceQuery): Promise<TracePage> {
    const filter = serverTraceFilter(query.filter);
    const order = { timestamp: 'timestamp_ms', duration: 'execution_time_ms', name: 'name', tokens: 'timestamp_ms' }[query.sort.by];
    const orderBy = `${order} ${query.sort.order === 'asc' ? 'ASC' : 'DESC'}`;
    const page = await this.searchTraces(query, filter, orderBy);
    const f = query.filter;
    let rows = await this.rowsOf(page.infos, f);
    if (f.text !== undefined) {
      const needle = f.text.toLowerCase();
      rows = rows.filter((r) => textMatches(r, needle));
      // A whole trace id is looked up directly and leads the first page, whichever server page lists
      // it (a text search here only sees the pages it is given); later pages leave it out.
      const id = needle.trim();
      if (query.pageToken !== undefined) rows = rows.filter((r) => r.traceId.toLowerCase() !== id);
      else {
        const found = await this.traceById(id, query);
        if (found) rows = [found, ...rows.filter((r) => r.traceId !== found.traceId)];
      }
    }
    rows = rows.filter((r) => inTokenRange(r, f));
    if (query.sort.by === 'tokens') {
      const sign = query.sort.order === 'asc' ? 1 : -1;
      rows.sort((a, b) => (a.storedTokens === null ? 1 : b.storedTokens === null ? -1 : sign * (a.storedTokens.total - b.storedTokens.total)));
    }
    return { traces: rows, nextPageToken: page.nextPageToken, total: null };
  }

  /**
   * Rows of these traces (a page a trace cache chose, span-search.ts) that pass the whole filter, in
   * the order given: their infos from one search, their spans read as for any page.
   */
  async tracesByIds(traceIds: readonly string[], query: TraceQuery): Promise<TraceRow[]> {
    if (traceIds.length === 0) return [];
    const known = serverTraceFilter({ ...query.filter, span: undefined });
    const filter = [known, `trace.request_id IN (${traceIds.map(quote).join(', ')})`].filter((c) => c !== undefined).join(' AND ');
    const page = await this.searchTraces({ ...query, pageSize: traceIds.length, pageToken: undefined }, filter, 'timestamp_ms DESC');
    const order = new Map(traceIds.map((id, i) => [id, i]));
    const infos = page.infos.filter((i) => order.has(i.traceId)).sort((a, b) => (order.get(a.traceId) ?? 0) - (order.get(b.traceId) ?? 0));
    const needle = query.filter.text?.toLowerCase();
    return (await this.rowsOf(infos, query.filter)).filter(
      (r) => inTokenRange(r, query.filter) && (needle === undefined || textMatches(r, needle)),
    );
  }

  /** The rows of these traces whose spans pass the filter's span conditions (the server's filter language has no span type, model or status). */
  private async rowsOf(infos: readonly TraceInfoParts[], f: TraceQuery['filter']): Promise<TraceRow[]> {
    const spans = await this.spansOf(infos.map((i) => i.traceId));
    return infos.flatMap((info, i) => (spansMatch(spans[i].spans, f) ? [traceRow(info, spans[i].spans ? factsOf(spans[i].spans) : null)] : []));
  }

  /** The trace with this id if it is in the asked experiments and passes the filter; only ids shaped as MLflow's are asked for. */
  private async traceById(id: string, query: TraceQuery): Promise<TraceRow | null> {
    if (!TRACE_ID_SHAPE.test(id)) return null;
    const info = await this.traceInfo(id).then(
      (found) => found.info,
      (err: unknown) => {
        if (err instanceof RestError && err.status === 404) return null;
        throw err;
      },
    );
    if (info === null || !query.experimentIds.includes(info.experimentId) || !infoMatches(info, { ...query.filter, text: undefined })) return null;
    const [loaded] = await this.spansOf([info.traceId]);
    if (!spansMatch(loaded.spans, query.filter)) return null;
    return traceRow(info, loaded.spans ? factsOf(loaded.spans) : null);
  }

  /** v3 search, or MLflow 2's GET /api/2.0/mlflow/traces once the server has shown it has no v3. */
  private async searchTraces(query: TraceQuery, filter: string | undefined, orderBy: string): Promise<{ infos: TraceInfoParts[]; nextPageToken: string | null }> {
    if (!this.v3Missing) {
      try {
        const page = await this.client.json<{ traces?: TraceInfoV3[]; next_page_token?: string }>('POST', '/api/3.0/mlflow/traces/search', {
          body: {
            locations: query.experimentIds.map((id) => ({ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: id } })),
            ...(filter ? { filter } : {}),
            max_results: query.pageSize,
            order_by: [orderBy],
            ...(query.pageToken ? { page_token: query.pageToken } : {}),
          },
        });
        return { infos: (page.traces ?? []).map((t) => traceInfoOfV3(t)), nextPageToken: page.next_page_token || null };
      } catch (err) {
        if (!(err instanceof RestError && err.status === 404)) throw err;
        this.v3Missing = true;
      }
    }
    const page = await this.client.json<{ traces?: TraceInfoV2[]; next_page_token?: string }>('GET', '/api/2.0/mlflow/traces', {
      query: { experiment_ids: query.experimentIds, max_results: query.pageSize, filter, order_by: orderBy, page_token: query.pageToken },
    });
    return { infos: (page.traces ?? []).map((t) => this.fromV2(t)), nextPageToken: page.next_page_token || null };
  }

  private async traceInfo(traceId: string): Promise<{ info: TraceInfoParts; assessments: RestAssessment[] }> {
    const id = encodeURIComponent(traceId);
    if (!this.v3Missing) {
      try {
        const { trace } = await this.client.json<{ trace: { trace_info: TraceInfoV3 } }>('GET', `/api/3.0/mlflow/traces/${id}`);
        return { info: traceInfoOfV3(trace.trace_info), assessments: trace.trace_info.assessments ?? [] };
      } catch (err) {
        // A v3 server answers 404 for an unknown trace too: only a missing v2 answer settles it.
        if (!(err instanceof RestError && err.status === 404)) throw err;
      }
    }
    const { trace_info: v2 } = await this.client.json<{ trace_info: TraceInfoV2 }>('GET', `/api/2.0/mlflow/traces/${id}/info`);
    return { info: this.fromV2(v2), assessments: [] };
  }

  async trace(traceId: string): Promise<TraceDetail> {
    const { info, assessments } = await this.traceInfo(traceId);
    const [loaded] = await this.spansOf([traceId]);
    const view = forTraceView(loaded.spans ?? []);
    return {
      info: traceRow(info, loaded.spans ? factsOf(loaded.spans) : null),
      metadata: info.metadata,
      assessments: assessments.map((a) => ({
        assessmentId: a.assessment_id ?? '',
        name: a.assessment_name ?? '',
        type: a.feedback ? 'feedback' : a.expectation ? 'expectation' : '',
        value: jsonOf(a.feedback ? a.feedback.value : (a.expectation?.value ?? a.expectation?.serialized_value?.value)),
        rationale: a.rationale ?? null,
        sourceType: a.source?.source_type ?? null,
        sourceId: a.source?.source_id ?? null,
        spanId: a.span_id ?? null,
      })),
      spans: view.spans,
      spanTotal: view.spans.length,
      spanSource: loaded.spans ? 'server' : null,
      problems: loaded.problem ? [loaded.problem] : [],
      spanPayloads: view.payloads,
    };
  }

  async span(traceId: string, spanId: string): Promise<Span> {
    const [loaded] = await this.spansOf([traceId]);
    const found = loaded.spans?.find((s) => s.spanId === spanId);
    if (!found) throw new StratusError({ code: 'NOT_FOUND', message: loaded.problem ?? `Trace ${traceId} has no span ${spanId}.` });
    return found;
  }

  async close(): Promise<void> {
    // Nothing held open: every request is its own.
  }

  /** Spans of several traces: batchGet where the server has it, else traces.json per trace. */
  private async spansOf(traceIds: string[]): Promise<{ spans: Span[] | null; problem: string | null }[]> {
    if (traceIds.length === 0) return [];
    if (!this.batchGetMissing) {
      try {
        // A few ids per request: 500 ids in one query string exceed a real server's header limit (431).
        const byId = new Map<string | undefined, unknown[]>();
        for (let i = 0; i < traceIds.length; i += BATCH_GET_IDS) {
          const batch = await this.client.json<{ traces?: { trace_info?: { trace_id?: string }; spans?: unknown[] }[] }>('GET', '/api/3.0/mlflow/traces/batchGet', {
            query: { trace_ids: traceIds.slice(i, i + BATCH_GET_IDS) },
          });
          for (const t of batch.traces ?? []) byId.set(t.trace_info?.trace_id, t.spans ?? []);
        }
        return traceIds.map((id) => {
          const raw = byId.get(id);
          return raw ? { spans: spansFromTraceJson(JSON.stringify({ spans: raw })), problem: null } : { spans: null, problem: 'The server returned no spans for this trace.' };
        });
      } catch (err) {
        if (!(err instanceof RestError && err.status === 404)) throw err;
        this.batchGetMissing = true;
      }
    }
    return mapLimited(traceIds, SPAN_READS_AT_ONCE, async (id) => {
      try {
        const response = await this.client.json<unknown>('GET', '/ajax-api/2.0/mlflow/get-trace-artifact', { query: { request_id: id } });
        return { spans: spansFromTraceJson(JSON.stringify(response)), problem: null };
      } catch (err) {
        if (err instanceof StratusError && (err.code === 'AUTH_FAILED' || err.code === 'FORBIDDEN' || err.code === 'UNREACHABLE')) throw err;
        return { spans: null, problem: `The server could not give the spans of ${id}: ${(err as Error).message}` };
      }
    });
  }

  private fromV2(t: TraceInfoV2): TraceInfoParts {
    const metadata = pairs(t.request_metadata);
    return {
      traceId: t.request_id,
      experimentId: String(t.experiment_id ?? ''),
      timestampMs: t.timestamp_ms ?? 0,
      durationMs: t.execution_time_ms ?? null,
      state: t.status ?? 'STATE_UNSPECIFIED',
      // v2 has no previews; MLflow keeps the (truncated) request and response in the metadata.
      requestPreview: metadata['mlflow.traceInputs'] ?? null,
      responsePreview: metadata['mlflow.traceOutputs'] ?? null,
      metadata,
      tags: pairs(t.tags),
    };
  }
}
