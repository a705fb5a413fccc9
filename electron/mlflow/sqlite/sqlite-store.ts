import Database from 'better-sqlite3';
import type {
  Experiment,
  LifecycleView,
  MetricPoint,
  MlflowRun,
  MlflowRunDetail,
  RunInput,
  RunPage,
  Span,
} from '../../../shared/schemas/mlflow.js';
import type { RunQuery, TraceQuery } from '../source.js';
import { MAX_METRIC_POINTS, MAX_SPANS_WITH_PAYLOADS } from '../../../shared/schemas/mlflow.js';
import type { Json } from '../../../shared/json.js';
import { parseStoredUsage } from '../../../shared/token-usage.js';
import { offsetFromToken, offsetToken } from '../page-token.js';
import { normalizeSpanId } from '../span-id.js';
import { spanFromJson } from '../spans.js';
import { modelFrom } from '../tokens/trace-usage.js';
import type { SpanFacts, TraceInfoParts } from '../trace-row.js';
import type { StoredAssessment, TraceListPage, TraceRecord } from './sqlite-results.js';
import { registerRunFilterFunctions, runFilterWhere } from './run-filter-sql.js';
import { marks, traceOrder, traceWhere, type Bind } from './trace-sql.js';

// Reads an MLflow sqlite backend store (the schema MLflow's SqlAlchemyStore migrates; see
// ../shared/fixtures/mlflow/SCHEMA.md), read-only. Synchronous: it runs in the mlflow-sqlite worker,
// never on the main thread. Lists are paged with LIMIT/OFFSET on indexed columns, and a trace
// page touches the spans of that page only.

type Row = Record<string, unknown>;

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : value === null || value === undefined ? null : String(value);
}

function num(value: unknown): number | null {
  if (typeof value === 'bigint') return Number(value);
  return typeof value === 'number' ? value : null;
}

function metricValue(value: unknown, isNan: unknown): number | null {
  const n = num(value);
  return isNan === 1 || isNan === true || n === null || !Number.isFinite(n) ? null : n;
}

function lifecycle(view: LifecycleView, column: string): string {
  return view === 'all' ? '1=1' : `${column} = '${view === 'deleted' ? 'deleted' : 'active'}'`;
}

function decodeJson(value: string | null): Json {
  if (value === null) return null;
  try {
    return JSON.parse(value) as Json;
  } catch {
    return value;
  }
}

export class SqliteStore {
  private readonly db: Database.Database;
  private readonly tables: Set<string>;

  constructor(file: string) {
    this.db = new Database(file, { readonly: true, fileMustExist: true });
    const names = this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
    this.tables = new Set(names);
    if (!this.tables.has('experiments') || !this.tables.has('runs')) {
      this.db.close();
      throw new Error(`${file} is not an MLflow tracking database (it has no experiments and runs tables).`);
    }
    registerRunFilterFunctions(this.db);
  }

  close(): void {
    this.db.close();
  }

  experiments(view: LifecycleView): Experiment[] {
    const rows = this.db.prepare(`SELECT * FROM experiments WHERE ${lifecycle(view, 'lifecycle_stage')} ORDER BY experiment_id`).all() as Row[];
    const tags = this.keyValues('experiment_tags', 'experiment_id', rows.map((r) => r.experiment_id as Bind));
    return rows.map((r) => ({
      experimentId: String(r.experiment_id),
      name: text(r.name) ?? '',
      artifactLocation: text(r.artifact_location),
      lifecycleStage: r.lifecycle_stage === 'deleted' ? 'deleted' : 'active',
      creationTime: num(r.creation_time),
      lastUpdateTime: num(r.last_update_time),
      tags: tags.get(String(r.experiment_id)) ?? {},
    }));
  }

  runs(query: RunQuery): RunPage {
    const offset = offsetFromToken(query.pageToken);
    const { where, binds } = runFilterWhere(query.filter?.clauses ?? [], this.tables.has('latest_metrics'));
    const rows = this.db
      .prepare(
        `SELECT * FROM runs r WHERE experiment_id IN (${marks(query.experimentIds.length)}) AND ${lifecycle(query.view, 'lifecycle_stage')} AND ${where}
         ORDER BY start_time DESC, run_uuid LIMIT ? OFFSET ?`,
      )
      .all(...query.experimentIds, ...binds, query.maxResults + 1, offset) as Row[];
    const more = rows.length > query.maxResults;
    const page = rows.slice(0, query.maxResults);
    return { runs: this.assembleRuns(page), nextPageToken: more ? offsetToken(offset + query.maxResults) : null };
  }

  run(runId: string): MlflowRunDetail | null {
    const row = this.db.prepare('SELECT * FROM runs WHERE run_uuid = ?').get(runId) as Row | undefined;
    if (!row) return null;
    const [run] = this.assembleRuns([row]);
    const children = this.db
      .prepare("SELECT t.run_uuid FROM tags t WHERE t.key = 'mlflow.parentRunId' AND t.value = ? ORDER BY t.run_uuid")
      .pluck()
      .all(runId) as string[];
    return {
      run,
      description: run.tags['mlflow.note.content'] ?? null,
      inputs: this.inputs(runId),
      deletedTime: num(row.deleted_time),
      childRunIds: children,
    };
  }

  metricHistory(runIds: string[], key: string): { runId: string; points: MetricPoint[]; truncated: boolean }[] {
    const statement = this.db.prepare(
      'SELECT step, timestamp, value, is_nan FROM metrics WHERE run_uuid = ? AND key = ? ORDER BY step, timestamp LIMIT ?',
    );
    return runIds.map((runId) => {
      const rows = statement.all(runId, key, MAX_METRIC_POINTS + 1) as Row[];
      const points = rows.slice(0, MAX_METRIC_POINTS).map((r) => ({
        step: num(r.step) ?? 0,
        timestamp: num(r.timestamp) ?? 0,
        value: metricValue(r.value, r.is_nan),
      }));
      return { runId, points, truncated: rows.length > MAX_METRIC_POINTS };
    });
  }

  traces(query: TraceQuery): TraceListPage {
    if (!this.tables.has('trace_info')) return { rows: [], nextPageToken: null, total: 0 };
    const offset = offsetFromToken(query.pageToken);
    const { where, binds } = traceWhere(query.filter, this.tables.has('spans'));
    const ids = query.experimentIds;
    // Counting is an index-only scan without a filter; with one it reads every trace (100+ ms at 100,000), so then no total.
    const total =
      binds.length === 0
        ? (this.db.prepare(`SELECT COUNT(*) FROM trace_info t WHERE t.experiment_id IN (${marks(ids.length)})`).pluck().get(...ids) as number)
        : null;
    // One ordered, limited subquery per experiment, merged: each walks the (experiment_id,
    // timestamp_ms) index in order and stops, where a single IN (…) query sorts every matching row.
    const order = traceOrder(query.sort);
    const reach = offset + query.pageSize + 1;
    const parts = ids.map(() => `SELECT * FROM (SELECT t.* FROM trace_info t WHERE t.experiment_id = ? AND ${where} ORDER BY ${order} LIMIT ${reach})`);
    const rows = this.db
      .prepare(`SELECT * FROM (${parts.join(' UNION ALL ')}) t ORDER BY ${order} LIMIT ? OFFSET ?`)
      .all(...ids.flatMap((id) => [id, ...binds]), query.pageSize + 1, offset) as Row[];
    const more = rows.length > query.pageSize;
    const page = rows.slice(0, query.pageSize);
    const infos = this.traceInfos(page);
    const facts = this.spanFacts(infos.map((i) => i.traceId));
    return {
      rows: infos.map((info) => ({ info, spans: facts.get(info.traceId) ?? null })),
      nextPageToken: more ? offsetToken(offset + query.pageSize) : null,
      total,
    };
  }

  trace(traceId: string): TraceRecord | null {
    if (!this.tables.has('trace_info')) return null;
    const row = this.db.prepare('SELECT * FROM trace_info WHERE request_id = ?').get(traceId) as Row | undefined;
    if (!row) return null;
    const [info] = this.traceInfos([row]);
    const count = this.tables.has('spans') ? (this.db.prepare('SELECT COUNT(*) FROM spans WHERE trace_id = ?').pluck().get(traceId) as number) : 0;
    if (count === 0) return { info, assessments: this.assessments(traceId), spans: null, payloads: 'included' };
    const spans = count > MAX_SPANS_WITH_PAYLOADS ? this.lightSpans(traceId) : this.fullSpans(traceId);
    return { info, assessments: this.assessments(traceId), spans, payloads: count > MAX_SPANS_WITH_PAYLOADS ? 'on request' : 'included' };
  }

  /** One span whole; null when the spans table does not have it. */
  span(traceId: string, spanId: string): Span | null {
    if (!this.tables.has('spans')) return null;
    const content = this.db.prepare('SELECT content FROM spans WHERE trace_id = ? AND span_id = ?').pluck().get(traceId, spanId) as string | undefined;
    if (content === undefined) return null;
    try {
      return spanFromJson(JSON.parse(content));
    } catch {
      return null;
    }
  }

  private fullSpans(traceId: string): Span[] {
    const spans: Span[] = [];
    for (const content of this.db.prepare('SELECT content FROM spans WHERE trace_id = ? ORDER BY start_time_unix_nano, span_id').pluck().iterate(traceId) as Iterable<string>) {
      let raw: unknown;
      try {
        raw = JSON.parse(content);
      } catch {
        continue;
      }
      const span = spanFromJson(raw);
      if (span) spans.push(span);
    }
    return spans;
  }

  /** A large trace's spans without payloads, pulled out by sqlite's JSON functions instead of parsing every span. */
  private lightSpans(traceId: string): Span[] {
    const rows = this.db
      .prepare(
        `SELECT span_id, parent_span_id, name, type, status, start_time_unix_nano AS start, end_time_unix_nano AS end,
                json_extract(content, '$.status.message') AS message,
                json_extract(content, '$.attributes."mlflow.chat.tokenUsage"') AS usage,
                json_extract(content, '$.attributes.model') AS model,
                json_extract(content, '$.attributes."mlflow.message.format"') AS format,
                CASE WHEN json_array_length(content, '$.events') > 0 THEN json_extract(content, '$.events') END AS events
         FROM spans WHERE trace_id = ? AND json_valid(content) ORDER BY start_time_unix_nano, span_id`,
      )
      .all(traceId) as Row[];
    const spans: Span[] = [];
    for (const r of rows) {
      const events = typeof r.events === 'string' ? r.events : '[]';
      // spanFromJson on a minimal span object keeps one parser of statuses, events and exceptions.
      const span = spanFromJson({
        span_id: r.span_id,
        parent_span_id: r.parent_span_id,
        name: r.name,
        start_time_unix_nano: r.start,
        end_time_unix_nano: r.end,
        status: { code: text(r.status) ?? '', message: text(r.message) ?? '' },
        events: JSON.parse(events) as unknown,
        attributes: {
          'mlflow.spanType': JSON.stringify(text(r.type)),
          ...(r.usage === null ? {} : { 'mlflow.chat.tokenUsage': r.usage }),
          ...(r.model === null ? {} : { model: r.model }),
          ...(r.format === null ? {} : { 'mlflow.message.format': r.format }),
        },
      });
      if (span) spans.push({ ...span, spanId: normalizeSpanId(r.span_id) ?? span.spanId, attributes: {}, truncated: true });
    }
    return spans;
  }

  private traceInfos(rows: Row[]): TraceInfoParts[] {
    const ids = rows.map((r) => r.request_id as string);
    const metadata = this.keyValues('trace_request_metadata', 'request_id', ids);
    const tags = this.keyValues('trace_tags', 'request_id', ids);
    return rows.map((r) => {
      const id = r.request_id as string;
      return {
        traceId: id,
        experimentId: String(r.experiment_id),
        timestampMs: num(r.timestamp_ms) ?? 0,
        durationMs: num(r.execution_time_ms),
        state: text(r.status) ?? 'STATE_UNSPECIFIED',
        requestPreview: text(r.request_preview),
        responsePreview: text(r.response_preview),
        metadata: metadata.get(id) ?? {},
        tags: tags.get(id) ?? {},
      };
    });
  }

  /** Only what a row needs, pulled out by sqlite's JSON functions rather than parsing whole spans. */
  private spanFacts(traceIds: string[]): Map<string, SpanFacts[]> {
    const out = new Map<string, SpanFacts[]>();
    if (!this.tables.has('spans') || traceIds.length === 0) return out;
    const rows = this.db
      .prepare(
        `SELECT trace_id, span_id, parent_span_id, name, start_time_unix_nano AS start,
                json_extract(content, '$.attributes."mlflow.chat.tokenUsage"') AS usage,
                json_extract(content, '$.attributes.model') AS model,
                CASE WHEN json_extract(content, '$.attributes.model') IS NULL
                          AND json_valid(json_extract(content, '$.attributes."mlflow.spanInputs"'))
                     THEN json_extract(json_extract(content, '$.attributes."mlflow.spanInputs"'), '$.model') END AS input_model,
                CASE WHEN json_extract(content, '$.attributes.model') IS NULL
                          AND json_valid(json_extract(content, '$.attributes."mlflow.spanOutputs"'))
                     THEN json_extract(json_extract(content, '$.attributes."mlflow.spanOutputs"'), '$.model') END AS output_model
         FROM spans WHERE trace_id IN (${marks(traceIds.length)}) AND json_valid(content)`,
      )
      .all(...traceIds) as Row[];
    for (const r of rows) {
      const facts: SpanFacts = {
        spanId: r.span_id as string,
        parentId: text(r.parent_span_id),
        usage: r.usage === null ? null : parseStoredUsage(r.usage),
        // The span rule (tokens/trace-usage.ts modelFrom) on the three fields sqlite pulled out.
        model: modelFrom(r.model, { model: r.input_model }, { model: r.output_model }),
        name: text(r.name) ?? '',
        startMs: (num(r.start) ?? 0) / 1e6,
      };
      const list = out.get(r.trace_id as string);
      if (list) list.push(facts);
      else out.set(r.trace_id as string, [facts]);
    }
    return out;
  }

  private assessments(traceId: string): StoredAssessment[] {
    if (!this.tables.has('assessments')) return [];
    const rows = this.db.prepare('SELECT * FROM assessments WHERE trace_id = ? ORDER BY created_timestamp').all(traceId) as Row[];
    return rows.map((r) => ({
      assessmentId: String(r.assessment_id),
      name: text(r.name) ?? '',
      type: text(r.assessment_type) ?? '',
      value: decodeJson(text(r.value)),
      rationale: text(r.rationale),
      sourceType: text(r.source_type),
      sourceId: text(r.source_id),
      spanId: text(r.span_id),
    }));
  }

  private assembleRuns(rows: Row[]): MlflowRun[] {
    const ids = rows.map((r) => r.run_uuid as string);
    const params = this.keyValues('params', 'run_uuid', ids);
    const tags = this.keyValues('tags', 'run_uuid', ids);
    const metrics = this.latestMetrics(ids);
    return rows.map((r) => {
      const id = r.run_uuid as string;
      const runTags = tags.get(id) ?? {};
      const start = num(r.start_time);
      const end = num(r.end_time);
      const status = text(r.status) ?? 'RUNNING';
      return {
        runId: id,
        experimentId: String(r.experiment_id),
        name: text(r.name) ?? runTags['mlflow.runName'] ?? '',
        status: (['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'].includes(status) ? status : 'RUNNING') as MlflowRun['status'],
        lifecycleStage: r.lifecycle_stage === 'deleted' ? 'deleted' : 'active',
        user: text(r.user_id) ?? runTags['mlflow.user'] ?? null,
        startTime: start,
        endTime: end,
        durationMs: start !== null && end !== null ? end - start : null,
        parentRunId: runTags['mlflow.parentRunId'] ?? null,
        artifactUri: text(r.artifact_uri),
        params: params.get(id) ?? {},
        metrics: metrics.get(id) ?? {},
        tags: runTags,
      };
    });
  }

  private latestMetrics(runIds: string[]): Map<string, MlflowRun['metrics']> {
    const out = new Map<string, MlflowRun['metrics']>();
    if (runIds.length === 0) return out;
    const table = this.tables.has('latest_metrics') ? 'latest_metrics' : null;
    // Without latest_metrics (very old stores) the newest (max step, then timestamp) row of metrics stands in.
    const sql = table
      ? `SELECT run_uuid, key, value, timestamp, step, is_nan FROM latest_metrics WHERE run_uuid IN (${marks(runIds.length)})`
      : `SELECT run_uuid, key, value, timestamp, step, is_nan FROM metrics WHERE run_uuid IN (${marks(runIds.length)}) ORDER BY step, timestamp`;
    for (const r of this.db.prepare(sql).all(...runIds) as Row[]) {
      const id = r.run_uuid as string;
      const map = out.get(id) ?? {};
      map[r.key as string] = { value: metricValue(r.value, r.is_nan), step: num(r.step) ?? 0, timestamp: num(r.timestamp) ?? 0 };
      out.set(id, map);
    }
    return out;
  }

  private inputs(runId: string): RunInput[] {
    if (!this.tables.has('inputs') || !this.tables.has('datasets')) return [];
    const rows = this.db
      .prepare(
        `SELECT i.input_uuid, d.name, d.digest, d.dataset_source_type, d.dataset_source, d.dataset_schema, d.dataset_profile
         FROM inputs i JOIN datasets d ON d.dataset_uuid = i.source_id
         WHERE i.destination_type = 'RUN' AND i.destination_id = ? AND i.source_type = 'DATASET' ORDER BY d.name`,
      )
      .all(runId) as Row[];
    const tags = this.tables.has('input_tags')
      ? this.keyValues('input_tags', 'input_uuid', rows.map((r) => r.input_uuid as string), 'name')
      : new Map<string, Record<string, string>>();
    return rows.map((r) => ({
      name: text(r.name) ?? '',
      digest: text(r.digest) ?? '',
      sourceType: text(r.dataset_source_type) ?? '',
      source: text(r.dataset_source) ?? '',
      schema: text(r.dataset_schema),
      profile: text(r.dataset_profile),
      tags: tags.get(r.input_uuid as string) ?? {},
    }));
  }

  /** key → value maps per owner id, in chunks under sqlite's bind limit. */
  private keyValues(table: string, owner: string, ids: Bind[], keyColumn = 'key'): Map<string, Record<string, string>> {
    const out = new Map<string, Record<string, string>>();
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const rows = this.db
        .prepare(`SELECT ${owner} AS owner, "${keyColumn}" AS k, value FROM ${table} WHERE ${owner} IN (${marks(chunk.length)})`)
        .all(...chunk) as Row[];
      for (const r of rows) {
        const id = String(r.owner);
        const map = out.get(id) ?? {};
        map[String(r.k)] = text(r.value) ?? '';
        out.set(id, map);
      }
    }
    return out;
  }
}
