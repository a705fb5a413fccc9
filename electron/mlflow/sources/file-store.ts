import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { StratusError } from '../../../shared/errors.js';
import type {
  ArtifactListing,
  ArtifactPreview,
  Experiment,
  LifecycleView,
  MetricHistory,
  MetricPoint,
  MlflowRun,
  MlflowRunDetail,
  MlflowSourceInfo,
  RunPage,
  Span,
  TraceDetail,
  TracePage,
  TraceRow,
} from '../../../shared/schemas/mlflow.js';
import { MAX_METRIC_POINTS } from '../../../shared/schemas/mlflow.js';
import type { BlobLocation } from '../../core/blob-location.js';
import type { ArtifactRoots } from '../artifact-roots.js';
import { listArtifacts, previewArtifact } from '../artifacts.js';
import { offsetFromToken, offsetToken } from '../page-token.js';
import { runMatches } from '../../../shared/run-filter/evaluate.js';
import type { MlflowSource, RunQuery, TraceQuery } from '../source.js';
import { SqliteClient } from '../sqlite/sqlite-client.js';
import { mapLimited } from '../../core/limit.js';
import { factsOf, spansFromArtifacts, traceJsonText, ARTIFACT_LOCATION_TAG, type LoadedSpans } from '../trace-spans.js';
import { infoMatches, inTokenRange, spansMatch } from '../trace-match.js';
import { traceRow, type TraceInfoParts } from '../trace-row.js';
import { parseMetaYaml } from './meta-yaml.js';
import { dirs, exists, keyFiles, num } from './file-store-files.js';
import { sortTraceRows } from './file-trace-order.js';
import { traceInfoFromYaml } from './file-trace-info.js';
import type { TraceFolder, TraceFolders } from '../trace-cache/file-sync.js';

// MLflow's FileStore (`mlruns/`): <exp>/meta.yaml, <exp>/tags/, <exp>/<run>/{meta.yaml, params/,
// metrics/, tags/}, <exp>/traces/<trace>/{trace_info.yaml, request_metadata/, tags/,
// artifacts/traces.json}; deleted experiments move to .trash/. Metric files hold one
// "timestamp value step" line per point. Run status in meta.yaml is MLflow's RunStatus number.
// A file store is a local, small store: lists are read whole and paged here.

const RUN_STATUS: Record<string, MlflowRun['status']> = { '1': 'RUNNING', '2': 'SCHEDULED', '3': 'FINISHED', '4': 'FAILED', '5': 'KILLED' };
const NOT_RUNS = new Set(['tags', 'traces', 'datasets', 'models', 'outputs']);
const READS_AT_ONCE = 16;

function metricPoints(text: string): MetricPoint[] {
  const points: MetricPoint[] = [];
  for (const line of text.split('\n')) {
    const [timestamp, value, step] = line.trim().split(/\s+/);
    if (timestamp === undefined || value === undefined || timestamp === '') continue;
    const n = Number(value);
    points.push({ timestamp: Number(timestamp), value: Number.isFinite(n) ? n : null, step: step === undefined ? 0 : Number(step) });
  }
  return points;
}

const rowWithSpans = (info: TraceInfoParts, loaded: LoadedSpans): TraceRow => traceRow(info, loaded.spans ? factsOf(loaded.spans) : null);

interface RunLocation {
  dir: string;
  meta: Record<string, string>;
}

export class FileStoreSource implements MlflowSource {
  readonly info: MlflowSourceInfo;
  private parser: SqliteClient | undefined;

  constructor(
    private readonly root: string,
    uri: string,
    private readonly roots: ArtifactRoots,
  ) {
    this.info = { kind: 'file', uri };
  }

  async experiments(view: LifecycleView): Promise<Experiment[]> {
    const found = await this.experimentDirs();
    const out: Experiment[] = [];
    for (const { id, dir } of found) {
      const meta = parseMetaYaml(await readFile(path.join(dir, 'meta.yaml'), 'utf8'));
      const stage = meta.lifecycle_stage === 'deleted' || dir.includes(`${path.sep}.trash${path.sep}`) ? 'deleted' : 'active';
      if (view !== 'all' && view !== stage) continue;
      out.push({
        experimentId: meta.experiment_id || id,
        name: meta.name ?? id,
        artifactLocation: meta.artifact_location || null,
        lifecycleStage: stage,
        creationTime: num(meta.creation_time),
        lastUpdateTime: num(meta.last_update_time),
        tags: await keyFiles(path.join(dir, 'tags')),
      });
    }
    return out.sort((a, b) => Number(a.experimentId) - Number(b.experimentId) || (a.experimentId < b.experimentId ? -1 : 1));
  }

  async runs(query: RunQuery): Promise<RunPage> {
    const offset = offsetFromToken(query.pageToken);
    const locations: RunLocation[] = [];
    for (const experimentId of query.experimentIds) locations.push(...(await this.runLocations(experimentId)));
    const filtered = locations.filter((r) => query.view === 'all' || (r.meta.lifecycle_stage || 'active') === query.view);
    filtered.sort((a, b) => (num(b.meta.start_time) ?? 0) - (num(a.meta.start_time) ?? 0));
    const end = offset + query.maxResults;
    // A search needs each run's params, metrics and tags, so every run is read before paging.
    const clauses = query.filter?.clauses;
    if (clauses) {
      const matching = (await mapLimited(filtered, READS_AT_ONCE, (r) => this.readRun(r))).filter((r) => runMatches(r, clauses));
      return { runs: matching.slice(offset, end), nextPageToken: end < matching.length ? offsetToken(end) : null };
    }
    return {
      runs: await mapLimited(filtered.slice(offset, end), READS_AT_ONCE, (r) => this.readRun(r)),
      nextPageToken: end < filtered.length ? offsetToken(end) : null,
    };
  }

  async run(runId: string): Promise<MlflowRunDetail> {
    const location = await this.findRun(runId);
    const run = await this.readRun(location);
    const siblings = await this.runLocations(run.experimentId);
    const children: string[] = [];
    for (const s of siblings) {
      const parent = await readFile(path.join(s.dir, 'tags', 'mlflow.parentRunId'), 'utf8').catch(() => null);
      if (parent === runId) children.push(path.basename(s.dir));
    }
    return {
      run,
      description: run.tags['mlflow.note.content'] ?? null,
      // Dataset inputs are not read from a file store.
      inputs: [],
      deletedTime: num(location.meta.deleted_time),
      childRunIds: children.sort(),
    };
  }

  async metricHistory(runIds: string[], key: string): Promise<MetricHistory> {
    const series = await mapLimited(runIds, READS_AT_ONCE, async (runId) => {
      const location = await this.findRun(runId);
      const file = path.join(location.dir, 'metrics', ...key.split('/'));
      if (!path.resolve(file).startsWith(path.join(location.dir, 'metrics') + path.sep)) {
        throw new StratusError({ code: 'INVALID_ARGUMENT', message: `"${key}" is not a metric key.` });
      }
      const points = metricPoints(await readFile(file, 'utf8').catch(() => '')).sort((a, b) => a.step - b.step || a.timestamp - b.timestamp);
      return { runId, points: points.slice(0, MAX_METRIC_POINTS), truncated: points.length > MAX_METRIC_POINTS };
    });
    return { key, series };
  }

  async artifacts(runId: string, relative: string): Promise<ArtifactListing> {
    return listArtifacts(await this.artifactRoot(runId), relative);
  }

  async artifact(runId: string, relative: string): Promise<ArtifactPreview> {
    return previewArtifact(await this.artifactRoot(runId), relative);
  }

  async traces(query: TraceQuery): Promise<TracePage> {
    const offset = offsetFromToken(query.pageToken);
    const infos: TraceInfoParts[] = [];
    for (const experimentId of query.experimentIds) {
      const exp = (await this.experimentDirs()).find((e) => e.id === experimentId);
      if (!exp) continue;
      for (const id of await dirs(path.join(exp.dir, 'traces'))) {
        const info = await this.readTraceInfo(path.join(exp.dir, 'traces', id), id, experimentId);
        if (info) infos.push(info);
      }
    }
    const f = query.filter;
    // Filtering before spans are read, so only the page's traces.json files are parsed.
    const matching = infos.filter((t) => infoMatches(t, f));
    const ranged = sortTraceRows(
      matching.map((info) => traceRow(info, null)).filter((r) => inTokenRange(r, f)),
      query.sort,
    );
    const infoById = new Map(matching.map((i) => [i.traceId, i]));
    const withSpans = (row: TraceRow) => {
      const info = infoById.get(row.traceId) as TraceInfoParts;
      return this.loadSpans(info).then((loaded) => ({ info, loaded }));
    };
    const toRow = ({ info, loaded }: Awaited<ReturnType<typeof withSpans>>) => rowWithSpans(info, loaded);
    if (f.span) {
      // Span conditions need every candidate's traces.json before a page can be cut.
      const kept = (await mapLimited(ranged, READS_AT_ONCE, withSpans)).filter((r) => spansMatch(r.loaded.spans, f));
      const end = offset + query.pageSize;
      return { traces: kept.slice(offset, end).map(toRow), nextPageToken: end < kept.length ? offsetToken(end) : null, total: kept.length };
    }
    const page = ranged.slice(offset, offset + query.pageSize);
    const traces = (await mapLimited(page, READS_AT_ONCE, withSpans)).map(toRow);
    return { traces, nextPageToken: offset + query.pageSize < ranged.length ? offsetToken(offset + query.pageSize) : null, total: ranged.length };
  }

  /**
   * The rows of these traces of the query's experiments (a page the trace cache chose,
   * cached-trace-search.ts), in the order given: only their folders are read. A folder gone since is left out.
   */
  async tracesByIds(traceIds: readonly string[], query: TraceQuery): Promise<TraceRow[]> {
    const infos = await this.traceInfos(traceIds, query.experimentIds);
    return mapLimited(infos, READS_AT_ONCE, async (info) => rowWithSpans(info, await this.loadSpans(info)));
  }

  /**
   * The page at `offset` of these traces (the trace cache's candidates, in order) that pass the
   * conditions the cache does not hold (tag, run, free text), with their total: every candidate's
   * info is read, only the page's traces.json.
   */
  async tracesAmong(traceIds: readonly string[], query: TraceQuery, offset: number): Promise<{ traces: TraceRow[]; total: number }> {
    const kept = (await this.traceInfos(traceIds, query.experimentIds)).filter((i) => infoMatches(i, query.filter));
    const page = kept.slice(offset, offset + query.pageSize);
    return { traces: await mapLimited(page, READS_AT_ONCE, async (info) => rowWithSpans(info, await this.loadSpans(info))), total: kept.length };
  }

  /** The infos of these traces in the order given, from the experiments' folders; a folder gone since is left out. */
  private async traceInfos(traceIds: readonly string[], experimentIds: readonly string[]): Promise<(TraceInfoParts & { dir: string })[]> {
    const experiments = (await this.experimentDirs()).filter((e) => experimentIds.includes(e.id));
    const infos = await mapLimited(traceIds, READS_AT_ONCE, async (id) => {
      // Ids come from folder names; anything else names no folder.
      if (id === '' || path.basename(id) !== id || id.startsWith('.')) return null;
      for (const e of experiments) {
        const info = await this.readTraceInfo(path.join(e.dir, 'traces', id), id, e.id);
        if (info) return info;
      }
      return null;
    });
    return infos.filter((i): i is NonNullable<typeof i> => i !== null);
  }

  async trace(traceId: string): Promise<TraceDetail> {
    for (const exp of await this.experimentDirs()) {
      const dir = path.join(exp.dir, 'traces', traceId);
      if (!(await exists(path.join(dir, 'trace_info.yaml')))) continue;
      const info = await this.readTraceInfo(dir, traceId, exp.id);
      if (!info) break;
      const loaded = await this.loadSpans(info);
      return {
        info: rowWithSpans(info, loaded),
        metadata: info.metadata,
        assessments: [],
        spans: loaded.spans ?? [],
        spanTotal: loaded.spans?.length ?? 0,
        spanSource: loaded.spans ? 'traces.json artifact' : null,
        problems: loaded.problem ? [loaded.problem] : [],
        spanPayloads: loaded.spans ? loaded.payloads : 'included',
      };
    }
    throw new StratusError({ code: 'NOT_FOUND', message: `There is no trace ${traceId} in ${this.info.uri}.` });
  }

  async span(traceId: string, spanId: string): Promise<Span> {
    for (const exp of await this.experimentDirs()) {
      const info = await this.readTraceInfo(path.join(exp.dir, 'traces', traceId), traceId, exp.id);
      if (!info) continue;
      const found = await this.spanParser().call('spanFromTraceJson', await traceJsonText(this.roots, this.artifactTags(info)), spanId);
      if (!found) break;
      return found;
    }
    throw new StratusError({ code: 'NOT_FOUND', message: `There is no span ${spanId} of trace ${traceId} in ${this.info.uri}.` });
  }

  /** An experiment's trace folders, each read whole on request, for the trace cache's sync (trace-cache/file-sync.ts). */
  async traceFolders(experimentId: string): Promise<TraceFolders | null> {
    const exp = (await this.experimentDirs()).find((e) => e.id === experimentId);
    if (!exp) return null;
    const base = path.join(exp.dir, 'traces');
    const read = async (id: string): Promise<TraceFolder | null> => {
      const info = await this.readTraceInfo(path.join(base, id), id, experimentId);
      if (!info) return null;
      const json = await traceJsonText(this.roots, this.artifactTags(info)).then(
        (text) => ({ json: text, problem: null }),
        (err: Error) => ({ json: null, problem: err.message }),
      );
      return { info, ...json };
    };
    return { ids: await dirs(base), read };
  }

  async close(): Promise<void> {
    await this.parser?.close();
  }

  private loadSpans(info: TraceInfoParts): Promise<LoadedSpans> {
    return spansFromArtifacts(this.roots, this.artifactTags(info), (json) => this.spanParser().call('parseTraceJson', json));
  }

  private spanParser(): SqliteClient {
    this.parser ??= SqliteClient.parser(this.root);
    return this.parser;
  }

  /** The trace's own artifacts folder when the tag is absent (traces written by the file store itself). */
  private artifactTags(info: TraceInfoParts & { dir?: string }): Record<string, string> {
    if (info.tags[ARTIFACT_LOCATION_TAG]) return info.tags;
    return { ...info.tags, [ARTIFACT_LOCATION_TAG]: path.join(info.dir ?? '', 'artifacts') };
  }

  private async readTraceInfo(dir: string, id: string, experimentId: string): Promise<(TraceInfoParts & { dir: string }) | null> {
    const text = await readFile(path.join(dir, 'trace_info.yaml'), 'utf8').catch(() => null);
    if (text === null) return null;
    const [metadata, tags] = await Promise.all([keyFiles(path.join(dir, 'request_metadata')), keyFiles(path.join(dir, 'tags'))]);
    return { dir, ...traceInfoFromYaml(parseMetaYaml(text), id, experimentId, metadata, tags) };
  }

  private async experimentDirs(): Promise<{ id: string; dir: string }[]> {
    const out: { id: string; dir: string }[] = [];
    for (const [base, names] of [
      [this.root, await dirs(this.root)],
      [path.join(this.root, '.trash'), await dirs(path.join(this.root, '.trash'))],
    ] as const) {
      for (const name of names) {
        if (name.startsWith('.') || name === 'models') continue;
        if (await exists(path.join(base, name, 'meta.yaml'))) out.push({ id: name, dir: path.join(base, name) });
      }
    }
    return out;
  }

  private async runLocations(experimentId: string): Promise<RunLocation[]> {
    const exp = (await this.experimentDirs()).find((e) => e.id === experimentId);
    if (!exp) return [];
    const out: RunLocation[] = [];
    for (const name of await dirs(exp.dir)) {
      if (NOT_RUNS.has(name)) continue;
      const text = await readFile(path.join(exp.dir, name, 'meta.yaml'), 'utf8').catch(() => null);
      if (text !== null) out.push({ dir: path.join(exp.dir, name), meta: parseMetaYaml(text) });
    }
    return out;
  }

  private async findRun(runId: string): Promise<RunLocation> {
    for (const exp of await this.experimentDirs()) {
      const text = await readFile(path.join(exp.dir, runId, 'meta.yaml'), 'utf8').catch(() => null);
      if (text !== null) return { dir: path.join(exp.dir, runId), meta: parseMetaYaml(text) };
    }
    throw new StratusError({ code: 'NOT_FOUND', message: `There is no MLflow run ${runId} in ${this.info.uri}.` });
  }

  private async readRun({ dir, meta }: RunLocation): Promise<MlflowRun> {
    const [params, tags, metricFiles] = await Promise.all([keyFiles(path.join(dir, 'params')), keyFiles(path.join(dir, 'tags')), keyFiles(path.join(dir, 'metrics'))]);
    const metrics: MlflowRun['metrics'] = {};
    for (const [key, text] of Object.entries(metricFiles)) {
      // MLflow's latest value: the highest step, then the latest timestamp.
      const latest = metricPoints(text).reduce<MetricPoint | null>((best, p) => (best === null || p.step > best.step || (p.step === best.step && p.timestamp >= best.timestamp) ? p : best), null);
      if (latest) metrics[key] = latest;
    }
    const start = num(meta.start_time);
    const end = num(meta.end_time);
    return {
      runId: meta.run_id || meta.run_uuid || path.basename(dir),
      experimentId: meta.experiment_id || path.basename(path.dirname(dir)),
      name: meta.run_name || tags['mlflow.runName'] || '',
      status: RUN_STATUS[meta.status ?? ''] ?? ((Object.values(RUN_STATUS) as string[]).includes(meta.status ?? '') ? (meta.status as MlflowRun['status']) : 'RUNNING'),
      lifecycleStage: meta.lifecycle_stage === 'deleted' ? 'deleted' : 'active',
      user: meta.user_id || tags['mlflow.user'] || null,
      startTime: start,
      endTime: end,
      durationMs: start !== null && end !== null ? end - start : null,
      parentRunId: tags['mlflow.parentRunId'] ?? null,
      artifactUri: meta.artifact_uri || null,
      params,
      metrics,
      tags,
    };
  }

  async artifactBlobLocation(runId: string): Promise<BlobLocation> {
    return this.roots.blobLocation(await this.artifactUri(runId));
  }

  private async artifactUri(runId: string): Promise<string> {
    const location = await this.findRun(runId);
    return location.meta.artifact_uri || path.join(location.dir, 'artifacts');
  }

  private async artifactRoot(runId: string) {
    return this.roots.resolve(await this.artifactUri(runId));
  }
}
