import { mkdtemp, rm, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createServices, type Services } from '../../electron/services.js';
import { contract, type ArgsOf, type Channel, type ResultOf } from '../../shared/contract.js';
import type { StratusErrorShape } from '../../shared/errors.js';
import type { TraceRow } from '../../shared/schemas/mlflow.js';
import { parseStoredUsage } from '../../shared/token-usage.js';
import { MAX_SPAN_SLICE, MAX_SPANS_WITH_PAYLOADS } from '../../shared/schemas/mlflow.js';
import { generateMlflowTraceStore } from '../../electron/sample/mlflow-traces.js';
import { AZURITE_ACCOUNT_KEY } from '../harness/azurite.js';
import { copyMlflowDb, fixtureBlobPrefix, loadMlflowArtifacts, MLFLOW_CONTAINER, openFixtureDb } from '../harness/mlflow-fixture.js';

// The MLflow sqlite source through the router the UI calls, against the shared fixture (a copy of
// mlflow.db written by MLflow 3.5, its artifacts loaded into Azurite). Every expectation is read
// from the fixture database itself: each experiment, run, param, tag, latest metric, metric
// history, artifact and trace must appear; token totals must equal MLflow's stored ones.

type Row = Record<string, unknown>;

let services: Services;
let scratch: string;
let dbFile: string;
let fixture: Database.Database;
let workspaceId: string;
let blobNames: string[];

async function ok<C extends Channel>(channel: C, args: ArgsOf<C>): Promise<ResultOf<C>> {
  const reply = await services.router.dispatch(channel, args);
  if (!reply.ok) throw new Error(`${channel} failed: ${reply.error.code} ${reply.error.message}`);
  return contract[channel].result.parse(reply.value) as ResultOf<C>;
}

async function fails(channel: Channel, args: unknown): Promise<StratusErrorShape> {
  const reply = await services.router.dispatch(channel, args);
  if (reply.ok) throw new Error(`expected ${channel} to fail`);
  return reply.error;
}

async function openWorkspace(trackingUri: string): Promise<string> {
  const info = await ok('workspace.open', {
    sysroot: inject('sysroot'),
    endpoint: inject('endpoint'),
    credential: { kind: 'connectionString', connectionString: inject('connectionString') },
    mlflowTrackingUri: trackingUri,
  });
  return info.id;
}

function all(sql: string, ...binds: unknown[]): Row[] {
  return fixture.prepare(sql).all(...binds) as Row[];
}

function keyValues(table: string, owner: string, id: unknown): Record<string, string> {
  return Object.fromEntries(all(`SELECT key, value FROM ${table} WHERE ${owner} = ?`, id).map((r) => [r.key, r.value]));
}

const experimentIds = () => all('SELECT experiment_id FROM experiments').map((r) => String(r.experiment_id));

async function allTraces(wsId: string, args: Partial<ArgsOf<'mlflow.traces'>> = {}): Promise<TraceRow[]> {
  const rows: TraceRow[] = [];
  let pageToken: string | undefined;
  do {
    const page = await ok('mlflow.traces', { workspaceId: wsId, experimentIds: experimentIds(), pageSize: 7, ...args, ...(pageToken ? { pageToken } : {}) });
    rows.push(...page.traces);
    pageToken = page.nextPageToken ?? undefined;
  } while (pageToken);
  return rows;
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'stratus-mlflow-'));
  dbFile = await copyMlflowDb(scratch);
  blobNames = await loadMlflowArtifacts(inject('connectionString'));
  fixture = openFixtureDb();
  services = createServices({ env: {}, userDataDir: scratch });
  // The user chose the scratch folder holding mlflow.db (in the app: an open dialog in main).
  await services.localAccess.grant(scratch);
  workspaceId = await openWorkspace(`sqlite:///${dbFile}`);
});

afterAll(async () => {
  fixture?.close();
  await rm(scratch, { recursive: true, force: true });
});

describe('MLflow sqlite store: experiments and runs', () => {
  it('reports where the data comes from', async () => {
    const status = await ok('mlflow.status', { workspaceId });
    expect(status).toEqual({ configured: true, source: { kind: 'sqlite', uri: `sqlite:///${dbFile}` } });
  });

  it('lists every experiment, active and deleted in their own views, with tags', async () => {
    const rows = all('SELECT * FROM experiments');
    const list = await ok('mlflow.experiments', { workspaceId, view: 'all' });
    expect(list.experiments.map((e) => e.experimentId).sort()).toEqual(rows.map((r) => String(r.experiment_id)).sort());
    for (const e of list.experiments) {
      const row = rows.find((r) => String(r.experiment_id) === e.experimentId) as Row;
      expect(e.name).toBe(row.name);
      expect(e.lifecycleStage).toBe(row.lifecycle_stage);
      expect(e.tags).toEqual(keyValues('experiment_tags', 'experiment_id', row.experiment_id));
    }
    for (const view of ['active', 'deleted'] as const) {
      const listed = await ok('mlflow.experiments', { workspaceId, view });
      expect(listed.experiments.map((e) => e.name).sort()).toEqual(rows.filter((r) => r.lifecycle_stage === view).map((r) => r.name).sort());
    }
  });

  it('lists every run with its params, tags and latest metrics; deleted runs only in the deleted view', async () => {
    const rows = all('SELECT * FROM runs');
    const ids = experimentIds();
    const listed = new Map<string, ResultOf<'mlflow.runs'>['runs']>();
    for (const view of ['all', 'active', 'deleted'] as const) {
      const runs: ResultOf<'mlflow.runs'>['runs'] = [];
      let pageToken: string | undefined;
      do {
        const page = await ok('mlflow.runs', { workspaceId, experimentIds: ids, view, maxResults: 4, ...(pageToken ? { pageToken } : {}) });
        runs.push(...page.runs);
        pageToken = page.nextPageToken ?? undefined;
      } while (pageToken);
      listed.set(view, runs);
    }
    const idsOf = (view: string) => (listed.get(view) ?? []).map((r) => r.runId).sort();
    expect(idsOf('all')).toEqual(rows.map((r) => r.run_uuid).sort());
    expect(idsOf('active')).toEqual(rows.filter((r) => r.lifecycle_stage === 'active').map((r) => r.run_uuid).sort());
    expect(idsOf('deleted')).toEqual(rows.filter((r) => r.lifecycle_stage === 'deleted').map((r) => r.run_uuid).sort());
    expect(idsOf('deleted').length).toBeGreaterThan(0);

    for (const run of listed.get('all') ?? []) {
      const row = rows.find((r) => r.run_uuid === run.runId) as Row;
      expect(run.status).toBe(row.status);
      expect(run.user).toBe(row.user_id);
      expect(run.startTime).toBe(row.start_time);
      expect(run.durationMs).toBe(row.end_time === null ? null : (row.end_time as number) - (row.start_time as number));
      expect(run.params).toEqual(keyValues('params', 'run_uuid', run.runId));
      expect(run.tags).toEqual(keyValues('tags', 'run_uuid', run.runId));
      expect(run.parentRunId).toBe(keyValues('tags', 'run_uuid', run.runId)['mlflow.parentRunId'] ?? null);
      const latest = all('SELECT key, value, step, timestamp FROM latest_metrics WHERE run_uuid = ?', run.runId);
      expect(Object.keys(run.metrics).sort()).toEqual(latest.map((m) => m.key).sort());
      for (const m of latest) expect(run.metrics[m.key as string]).toEqual({ value: m.value, step: m.step, timestamp: m.timestamp });
    }
    expect((listed.get('all') ?? []).some((r) => r.parentRunId !== null)).toBe(true);
  });

  it('shows a run with its Markdown description, dataset inputs and children', async () => {
    for (const row of all('SELECT run_uuid FROM runs')) {
      const detail = await ok('mlflow.run', { workspaceId, runId: row.run_uuid as string });
      expect(detail.description).toBe(keyValues('tags', 'run_uuid', row.run_uuid)['mlflow.note.content'] ?? null);
      const inputs = all("SELECT d.name, d.digest FROM inputs i JOIN datasets d ON d.dataset_uuid = i.source_id WHERE i.destination_id = ?", row.run_uuid);
      expect(detail.inputs.map((i) => [i.name, i.digest])).toEqual(inputs.map((i) => [i.name, i.digest]));
      const children = all("SELECT run_uuid FROM tags WHERE key = 'mlflow.parentRunId' AND value = ?", row.run_uuid).map((r) => r.run_uuid).sort();
      expect(detail.childRunIds).toEqual(children);
    }
    const withInput = all('SELECT destination_id FROM inputs')[0];
    const detail = await ok('mlflow.run', { workspaceId, runId: withInput.destination_id as string });
    expect(detail.inputs[0].tags).toEqual(
      Object.fromEntries(all('SELECT t.name, t.value FROM input_tags t JOIN inputs i ON i.input_uuid = t.input_uuid WHERE i.destination_id = ?', withInput.destination_id).map((r) => [r.name, r.value])),
    );
  });

  it('returns every metric history, by step, for several runs at once', async () => {
    const keys = all('SELECT DISTINCT key FROM metrics').map((r) => r.key as string);
    for (const key of keys) {
      const runIds = all('SELECT DISTINCT run_uuid FROM metrics WHERE key = ?', key).map((r) => r.run_uuid as string);
      const history = await ok('mlflow.metricHistory', { workspaceId, runIds, key });
      expect(history.series.map((s) => s.runId)).toEqual(runIds);
      for (const series of history.series) {
        const expected = all('SELECT step, timestamp, value, is_nan FROM metrics WHERE run_uuid = ? AND key = ? ORDER BY step, timestamp', series.runId, key);
        expect(series.points).toEqual(expected.map((m) => ({ step: m.step, timestamp: m.timestamp, value: m.is_nan ? null : m.value })));
        expect(series.truncated).toBe(false);
      }
    }
  });

  it('says which run is missing', async () => {
    const error = await fails('mlflow.run', { workspaceId, runId: '0123456789abcdef0123456789abcdef' });
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain('0123456789abcdef0123456789abcdef');
  });
});

describe('MLflow sqlite store: artifacts in Azurite', () => {
  async function walk(runId: string, folder = ''): Promise<string[]> {
    const listing = await ok('mlflow.artifacts', { workspaceId, runId, ...(folder ? { path: folder } : {}) });
    const files: string[] = [];
    for (const entry of listing.entries) {
      if (entry.isDir) files.push(...(await walk(runId, entry.path)));
      else files.push(entry.path);
    }
    return files;
  }

  it('lists every artifact of every run from its wasbs:// artifact_uri', async () => {
    let checked = 0;
    for (const row of all('SELECT run_uuid, artifact_uri FROM runs')) {
      const prefix = fixtureBlobPrefix(row.artifact_uri as string);
      expect(prefix, row.artifact_uri as string).not.toBeNull();
      const expected = blobNames.filter((b) => b.startsWith(`${prefix}/`)).map((b) => b.slice((prefix as string).length + 1));
      expect((await walk(row.run_uuid as string)).sort()).toEqual(expected.sort());
      checked += expected.length;
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('previews text, JSON, images and leaves binaries at their size', async () => {
    const container = BlobServiceClient.fromConnectionString(inject('connectionString')).getContainerClient(MLFLOW_CONTAINER);
    const run = all('SELECT run_uuid, artifact_uri FROM runs').find((r) => blobNames.some((b) => b.startsWith(`${fixtureBlobPrefix(r.artifact_uri as string)}/plots/`))) as Row;
    const prefix = fixtureBlobPrefix(run.artifact_uri as string) as string;
    const files = blobNames.filter((b) => b.startsWith(`${prefix}/`)).map((b) => b.slice(prefix.length + 1));
    const body = async (file: string) => container.getBlobClient(`${prefix}/${file}`).downloadToBuffer();
    const seen = new Set<string>();
    for (const file of files) {
      const preview = await ok('mlflow.artifact', { workspaceId, runId: run.run_uuid as string, path: file });
      const bytes = await body(file);
      expect(preview.size).toBe(bytes.length);
      seen.add(preview.kind);
      if (file.endsWith('.png')) expect(preview).toMatchObject({ kind: 'image', mimeType: 'image/png', base64: bytes.toString('base64') });
      else if (file.endsWith('.bin')) expect(preview.kind).toBe('binary');
      else {
        expect(preview).toMatchObject({ kind: 'text', text: bytes.toString('utf8'), truncated: false });
        if (file.endsWith('.json') && preview.kind === 'text') expect(preview.format).toBe('json');
      }
    }
    expect([...seen].sort()).toEqual(['binary', 'image', 'text']);
    const missing = await fails('mlflow.artifact', { workspaceId, runId: run.run_uuid as string, path: 'notes/nope.txt' });
    expect(missing.code).toBe('NOT_FOUND');
  });

  it('refuses artifact paths that climb out of the run', async () => {
    const error = await fails('mlflow.artifacts', { workspaceId, runId: 'abc', path: '../other' });
    expect(error.code).toBe('INVALID_ARGUMENT');
  });
});

describe('MLflow sqlite store: traces', () => {
  it('lists every trace, paged, with tokens equal to what MLflow stored', async () => {
    const rows = await allTraces(workspaceId);
    const expected = all('SELECT request_id FROM trace_info').map((r) => r.request_id as string);
    expect(rows.map((r) => r.traceId).sort()).toEqual(expected.sort());
    let compared = 0;
    for (const row of rows) {
      const stored = parseStoredUsage(keyValues('trace_request_metadata', 'request_id', row.traceId)['mlflow.trace.tokenUsage']);
      const spanUsage = all("SELECT 1 FROM spans WHERE trace_id = ? AND json_extract(content, '$.attributes.\"mlflow.chat.tokenUsage\"') IS NOT NULL", row.traceId);
      expect(row.spanCount).toBe(all('SELECT 1 FROM spans WHERE trace_id = ?', row.traceId).length);
      expect(row.storedTokens).toEqual(stored);
      if (stored) {
        expect(row.tokens, row.traceId).toEqual(stored);
        expect(row.tokenMismatch).toBe(false);
        compared += 1;
      }
      if (spanUsage.length === 0) expect(row.tokens).toBeNull();
    }
    expect(compared).toBe(all("SELECT 1 FROM trace_request_metadata WHERE key = 'mlflow.trace.tokenUsage'").length);
    expect(compared).toBeGreaterThan(0);
  });

  it('fills the columns of the list from the trace, its tags and metadata', async () => {
    const rows = await allTraces(workspaceId);
    for (const row of rows) {
      const info = all('SELECT * FROM trace_info WHERE request_id = ?', row.traceId)[0];
      const meta = keyValues('trace_request_metadata', 'request_id', row.traceId);
      const tags = keyValues('trace_tags', 'request_id', row.traceId);
      expect(row).toMatchObject({
        experimentId: String(info.experiment_id),
        timestampMs: info.timestamp_ms,
        durationMs: info.execution_time_ms,
        state: info.status,
        requestPreview: info.request_preview,
        responsePreview: info.response_preview,
        name: tags['mlflow.traceName'],
        user: meta['mlflow.trace.user'] ?? null,
        session: meta['mlflow.trace.session'] ?? null,
        tags,
      });
    }
    expect(rows.some((r) => r.model !== null)).toBe(true);
    const newestFirst = rows.map((r) => r.timestampMs);
    expect(newestFirst).toEqual([...newestFirst].sort((a, b) => b - a));
  });

  it('filters by state, tag, user, session, time, tokens and text, and sorts by tokens', async () => {
    const byState = await allTraces(workspaceId, { filter: { states: ['ERROR'] } });
    expect(byState.map((r) => r.traceId).sort()).toEqual(all("SELECT request_id FROM trace_info WHERE status = 'ERROR'").map((r) => r.request_id).sort());
    const tag = all("SELECT key, value FROM trace_tags WHERE key NOT LIKE 'mlflow.%' LIMIT 1")[0];
    const byTag = await allTraces(workspaceId, { filter: { tag: { key: tag.key as string, value: tag.value as string } } });
    expect(byTag.map((r) => r.traceId).sort()).toEqual(all('SELECT request_id FROM trace_tags WHERE key = ? AND value = ?', tag.key, tag.value).map((r) => r.request_id).sort());
    for (const [field, key] of [
      ['user', 'mlflow.trace.user'],
      ['session', 'mlflow.trace.session'],
    ] as const) {
      const value = all('SELECT value FROM trace_request_metadata WHERE key = ? LIMIT 1', key)[0].value as string;
      const found = await allTraces(workspaceId, { filter: { [field]: value } });
      expect(found.map((r) => r.traceId).sort()).toEqual(all('SELECT request_id FROM trace_request_metadata WHERE key = ? AND value = ?', key, value).map((r) => r.request_id).sort());
    }
    const times = all('SELECT timestamp_ms FROM trace_info ORDER BY timestamp_ms').map((r) => r.timestamp_ms as number);
    const [from, to] = [times[5], times[20]];
    const ranged = await allTraces(workspaceId, { filter: { fromMs: from, toMs: to } });
    expect(ranged.length).toBe(times.filter((t) => t >= from && t <= to).length);
    const tokenRange = await allTraces(workspaceId, { filter: { minTokens: 500, maxTokens: 900 } });
    expect(tokenRange.length).toBeGreaterThan(0);
    for (const r of tokenRange) expect(r.storedTokens?.total).toSatisfy((t: number) => t >= 500 && t <= 900);
    const sample = all('SELECT request_preview FROM trace_info WHERE request_preview IS NOT NULL LIMIT 1')[0].request_preview as string;
    const needle = sample.slice(2, 12).toUpperCase();
    const byText = await allTraces(workspaceId, { filter: { text: needle } });
    expect(byText.length).toBeGreaterThan(0);
    const lower = needle.toLowerCase();
    for (const r of byText) expect([r.traceId, r.name, r.requestPreview, r.responsePreview].some((s) => s?.toLowerCase().includes(lower))).toBe(true);
    const sorted = await allTraces(workspaceId, { sort: { by: 'tokens', order: 'desc' } });
    const totals = sorted.map((r) => r.storedTokens?.total ?? -1);
    const withTotals = totals.filter((t) => t >= 0);
    expect(withTotals).toEqual([...withTotals].sort((a, b) => b - a));
    expect(totals.indexOf(-1) === -1 || totals.slice(totals.indexOf(-1)).every((t) => t === -1)).toBe(true);
  });

  it('lists the traces MLflow linked to a run (mlflow.sourceRun), and finds a trace by its id', async () => {
    const links = all("SELECT request_id, value FROM trace_request_metadata WHERE key = 'mlflow.sourceRun'");
    expect(links.length).toBeGreaterThan(0);
    for (const runId of new Set(links.map((l) => l.value as string))) {
      const linked = await allTraces(workspaceId, { filter: { runId } });
      expect(linked.map((r) => r.traceId).sort()).toEqual(links.filter((l) => l.value === runId).map((l) => l.request_id).sort());
    }
    const unlinked = all("SELECT run_uuid FROM runs WHERE run_uuid NOT IN (SELECT value FROM trace_request_metadata WHERE key = 'mlflow.sourceRun') LIMIT 1")[0];
    expect(await allTraces(workspaceId, { filter: { runId: unlinked.run_uuid as string } })).toEqual([]);
    const id = all('SELECT request_id FROM trace_info ORDER BY timestamp_ms LIMIT 1')[0].request_id as string;
    expect((await allTraces(workspaceId, { filter: { text: id.toUpperCase() } })).map((r) => r.traceId)).toEqual([id]);
  });

  it('opens every trace with its span tree, per-span usage, and the exceptions of error traces', async () => {
    for (const info of all('SELECT request_id, status FROM trace_info')) {
      const id = info.request_id as string;
      const detail = await ok('mlflow.trace', { workspaceId, traceId: id });
      const spans = all('SELECT span_id, parent_span_id, name, type, status, content FROM spans WHERE trace_id = ?', id);
      expect(detail.spanSource).toBe('spans table');
      expect(detail.spans.map((s) => s.spanId).sort()).toEqual(spans.map((s) => s.span_id).sort());
      for (const span of detail.spans) {
        const row = spans.find((s) => s.span_id === span.spanId) as Row;
        expect(span.parentId).toBe(row.parent_span_id);
        expect(span.name).toBe(row.name);
        expect(span.type).toBe(row.type);
        expect(span.status).toBe(row.status);
        const content = JSON.parse(row.content as string) as { events: { name: string; attributes: Record<string, string> }[]; attributes: Record<string, string> };
        expect(span.usage).toEqual(parseStoredUsage(content.attributes['mlflow.chat.tokenUsage']));
        const exceptions = content.events.filter((e) => e.name === 'exception');
        expect(span.exceptions.map((e) => [e.type, e.message, e.stacktrace])).toEqual(
          exceptions.map((e) => [e.attributes['exception.type'], e.attributes['exception.message'], e.attributes['exception.stacktrace']]),
        );
      }
      expect(detail.metadata).toEqual(keyValues('trace_request_metadata', 'request_id', id));
      expect(detail.assessments.map((a) => a.assessmentId).sort()).toEqual(all('SELECT assessment_id FROM assessments WHERE trace_id = ?', id).map((r) => r.assessment_id).sort());
      if (info.status === 'ERROR') {
        const failing = detail.spans.filter((s) => s.status === 'ERROR');
        expect(failing.length, id).toBeGreaterThan(0);
        expect(detail.spans.some((s) => s.exceptions.some((e) => (e.stacktrace ?? '').length > 0 && (e.type ?? '').length > 0)), id).toBe(true);
      }
    }
  });

  it('reads spans from traces.json in the artifact store when the spans table has none', async () => {
    const copy = path.join(scratch, 'no-spans.db');
    await copyFile(dbFile, copy);
    const db = new Database(copy);
    const stored = db.prepare("SELECT request_id, value FROM trace_request_metadata WHERE key = 'mlflow.trace.tokenUsage'").all() as Row[];
    db.prepare('DELETE FROM spans').run();
    db.close();
    const wsId = await openWorkspace(`sqlite:///${copy}`);
    const sample = stored.slice(0, 6);
    for (const row of sample) {
      const detail = await ok('mlflow.trace', { workspaceId: wsId, traceId: row.request_id as string });
      expect(detail.spanSource).toBe('traces.json artifact');
      expect(detail.spans.length).toBe(all('SELECT 1 FROM spans WHERE trace_id = ?', row.request_id).length);
      expect(detail.info.tokens).toEqual(parseStoredUsage(row.value));
    }
    const page = await ok('mlflow.traces', { workspaceId: wsId, experimentIds: experimentIds(), pageSize: 20 });
    for (const row of page.traces) {
      expect(row.spanCount).toBeGreaterThan(0);
      if (row.storedTokens) expect(row.tokens).toEqual(row.storedTokens);
    }
  });

  it('says which trace is missing', async () => {
    const error = await fails('mlflow.trace', { workspaceId, traceId: 'tr-00000000000000000000000000000000' });
    expect(error.code).toBe('NOT_FOUND');
  });
});

describe('MLflow sqlite store: a trace too large to send whole', () => {
  it('sends its spans without payloads, with usage, and each span whole on request', async () => {
    const file = path.join(scratch, 'large.db');
    const spanCount = MAX_SPANS_WITH_PAYLOADS + 500;
    const [written] = generateMlflowTraceStore(file, { traces: 1, spans: spanCount, experiments: 1, seed: 5 });
    const wsId = await openWorkspace(`sqlite:///${file}`);
    const detail = await ok('mlflow.trace', { workspaceId: wsId, traceId: written.traceId });
    expect(detail.spanPayloads).toBe('on request');
    expect(detail.spans).toHaveLength(spanCount);
    expect(detail.spans.every((s) => s.truncated && s.inputs === null && s.outputs === null)).toBe(true);
    const counted = written.contributions.reduce((sum, c) => ({ input: sum.input + c.input, output: sum.output + c.output, total: sum.total + c.total }), { input: 0, output: 0, total: 0 });
    expect(detail.info.tokens).toEqual(written.contributions.length > 0 ? counted : null);
    const withUsage = detail.spans.find((s) => s.usage !== null) ?? detail.spans[0];
    const whole = await ok('mlflow.span', { workspaceId: wsId, traceId: written.traceId, spanId: withUsage.spanId });
    expect(whole).toMatchObject({ spanId: withUsage.spanId, name: withUsage.name, usage: withUsage.usage, truncated: false });
    expect(whole.inputs).not.toBeNull();
    const db = new Database(file, { readonly: true });
    const content = JSON.parse(db.prepare('SELECT content FROM spans WHERE span_id = ?').pluck().get(withUsage.spanId) as string) as { attributes: Record<string, string> };
    db.close();
    expect(whole.inputs).toEqual(JSON.parse(content.attributes['mlflow.spanInputs']));
    expect((await fails('mlflow.span', { workspaceId: wsId, traceId: written.traceId, spanId: 'ffffffffffffffff' })).code).toBe('NOT_FOUND');
  });

  it('hands its spans out in slices that together are the whole trace, in order', async () => {
    const file = path.join(scratch, 'sliced.db');
    const spanCount = 2 * MAX_SPAN_SLICE + 321;
    const [written] = generateMlflowTraceStore(file, { traces: 1, spans: spanCount, experiments: 1, seed: 9 });
    const wsId = await openWorkspace(`sqlite:///${file}`);
    const whole = await ok('mlflow.trace', { workspaceId: wsId, traceId: written.traceId });
    expect(whole.spanTotal).toBe(spanCount);
    const sliced = [];
    for (let offset = 0; offset < spanCount; offset += MAX_SPAN_SLICE) {
      const slice = await ok('mlflow.trace', { workspaceId: wsId, traceId: written.traceId, spanOffset: offset, spanLimit: MAX_SPAN_SLICE });
      expect(slice.spanTotal).toBe(spanCount);
      expect(slice.spans.length).toBe(Math.min(MAX_SPAN_SLICE, spanCount - offset));
      expect(slice.info).toEqual(whole.info);
      expect(slice.spanPayloads).toBe('on request');
      sliced.push(...slice.spans);
    }
    expect(sliced).toEqual(whole.spans);
    const past = await ok('mlflow.trace', { workspaceId: wsId, traceId: written.traceId, spanOffset: spanCount, spanLimit: 10 });
    expect(past.spans).toEqual([]);
    expect((await fails('mlflow.trace', { workspaceId: wsId, traceId: written.traceId, spanLimit: MAX_SPAN_SLICE + 1 })).code).toBe('INVALID_ARGUMENT');

    // One walk sees one snapshot even when spans change under it; the next walk (from slice 0) sees the change.
    const slice = (spanOffset: number) => ok('mlflow.trace', { workspaceId: wsId, traceId: written.traceId, spanOffset, spanLimit: MAX_SPAN_SLICE });
    await slice(0);
    const db = new Database(file);
    const removed = db.prepare('DELETE FROM spans WHERE rowid IN (SELECT rowid FROM spans ORDER BY rowid DESC LIMIT 100)').run().changes;
    db.close();
    expect(removed).toBe(100);
    const second = await slice(MAX_SPAN_SLICE);
    expect(second.spanTotal).toBe(spanCount);
    expect(second.spans).toEqual(whole.spans.slice(MAX_SPAN_SLICE, 2 * MAX_SPAN_SLICE));
    expect((await slice(0)).spanTotal).toBe(spanCount - removed);
  });

  it('names the same model in the trace list and the span view, wherever the span wrote it', async () => {
    const file = path.join(scratch, 'models.db');
    // Two spans a trace: many traces then name their model once, some only in the response.
    const written = generateMlflowTraceStore(file, { traces: 80, spans: 160, experiments: 1, seed: 21 });
    const db = new Database(file, { readonly: true });
    const responseOnly = new Set(
      db
        .prepare(`SELECT trace_id FROM spans WHERE json_extract(content, '$.attributes.model') IS NULL
                  AND json_extract(json_extract(content, '$.attributes."mlflow.spanInputs"'), '$.model') IS NULL
                  AND json_extract(json_extract(content, '$.attributes."mlflow.spanOutputs"'), '$.model') IS NOT NULL`)
        .pluck()
        .all() as string[],
    );
    db.close();
    const wsId = await openWorkspace(`sqlite:///${file}`);
    const rows = new Map((await allTraces(wsId, { experimentIds: [written[0].experimentId] })).map((r) => [r.traceId, r]));
    let checked = 0;
    let fromResponse = 0;
    for (const trace of written) {
      const models = new Set(trace.contributions.map((c) => c.model));
      const [model] = models;
      if (models.size !== 1 || model === null) continue;
      expect(rows.get(trace.traceId)?.model, trace.traceId).toBe(model);
      const detail = await ok('mlflow.trace', { workspaceId: wsId, traceId: trace.traceId });
      for (const span of detail.spans.filter((s) => s.usage !== null)) expect(span.model, span.spanId).toBe(model);
      checked += 1;
      if (responseOnly.has(trace.traceId)) fromResponse += 1;
    }
    expect(checked).toBeGreaterThan(20);
    expect(fromResponse).toBeGreaterThan(0);
  });

  it('gives small traces whole, and one span from the fixture on request', async () => {
    const id = all('SELECT trace_id, span_id FROM spans LIMIT 1')[0];
    const detail = await ok('mlflow.trace', { workspaceId, traceId: id.trace_id as string });
    expect(detail.spanPayloads).toBe('included');
    expect(detail.spanTotal).toBe(detail.spans.length);
    const span = await ok('mlflow.span', { workspaceId, traceId: id.trace_id as string, spanId: id.span_id as string });
    expect(span).toEqual(detail.spans.find((s) => s.spanId === id.span_id));
  });
});

describe('MLflow sqlite store: wasbs:// artifacts without an Azure workspace', () => {
  async function firstArtifacts(env: Record<string, string>): Promise<string[]> {
    const own = createServices({ env, userDataDir: scratch });
    await own.localAccess.grant(scratch);
    const opened = await own.router.dispatch('workspace.open', { kind: 'local', path: scratch, mlflowTrackingUri: `sqlite:///${dbFile}` });
    if (!opened.ok) throw new Error(opened.error.message);
    const run = all('SELECT run_uuid, artifact_uri FROM runs').find((r) => blobNames.some((b) => b.startsWith(`${fixtureBlobPrefix(r.artifact_uri as string)}/`))) as Row;
    const reply = await own.router.dispatch('mlflow.artifacts', { workspaceId: (opened.value as { id: string }).id, runId: run.run_uuid as string });
    if (!reply.ok) throw new Error(reply.error.message);
    const prefix = fixtureBlobPrefix(run.artifact_uri as string) as string;
    const top = [...new Set(blobNames.filter((b) => b.startsWith(`${prefix}/`)).map((b) => b.slice(prefix.length + 1).split('/')[0]))].sort();
    expect((reply.value as ResultOf<'mlflow.artifacts'>).entries.map((e) => e.name)).toEqual(top);
    return top;
  }

  it('reaches them through AZURE_STORAGE_CONNECTION_STRING, whose endpoint wins as in MLflow', async () => {
    expect((await firstArtifacts({ AZURE_STORAGE_CONNECTION_STRING: inject('connectionString') })).length).toBeGreaterThan(0);
  });

  it('reaches them through METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT serving the account, with an account key', async () => {
    const env = { METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT: inject('endpoint'), AZURE_STORAGE_ACCESS_KEY: AZURITE_ACCOUNT_KEY };
    expect((await firstArtifacts(env)).length).toBeGreaterThan(0);
  });
});

describe('MLflow sqlite store: workspace wiring', () => {
  it('answers NOT_FOUND for a workspace without a tracking URI, and a clear error for a missing database', async () => {
    const plain = await ok('workspace.open', {
      sysroot: inject('sysroot'),
      endpoint: inject('endpoint'),
      credential: { kind: 'connectionString', connectionString: inject('connectionString') },
    });
    expect(await ok('mlflow.status', { workspaceId: plain.id })).toEqual({ configured: false, source: null });
    expect((await fails('mlflow.experiments', { workspaceId: plain.id })).code).toBe('NOT_FOUND');
    const missing = await openWorkspace(`sqlite:///${path.join(scratch, 'absent.db')}`);
    const error = await fails('mlflow.experiments', { workspaceId: missing });
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain('absent.db');
  });
});
