import { readdir, readFile, rm, mkdtemp } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { createServices, type Services } from '../../electron/services.js';
import { contract, type ArgsOf, type Channel, type ResultOf } from '../../shared/contract.js';
import type { StratusErrorShape } from '../../shared/errors.js';
import { parseStoredUsage } from '../../shared/token-usage.js';
import { MLFLOW_FIXTURE, openFixtureDb } from '../harness/mlflow-fixture.js';

// The REST source against a loopback server that replays the responses a real MLflow 3.5 server
// gave (../shared/fixtures/mlflow/rest/*.json: request line, body, status, content type, response).
// A request matches a recording by method, path, query and body (the recorded body's fields must
// all be in the request; ids compare as text, since MLflow takes "1" and 1 alike). Unrecorded
// requests get a 404, as a server without the route would answer. For the lifecycle views the
// replay derives ACTIVE_ONLY / DELETED_ONLY answers from the recorded ALL answer, as the server
// filters. Expectations come from the recordings and the fixture database behind them.

interface Recording {
  request: string;
  body: unknown;
  status: number;
  content_type: string;
  response: unknown;
}

type Row = Record<string, unknown>;

let recordings: Map<string, Recording>;
let server: Server;
let base: string;
let services: Services;
let scratch: string;
let fixture: Database.Database;
let workspaceId: string;
/** Requests the server could not answer from a recording. */
let unanswered: string[];
/** Overrides for the metric-history quirk test: request line → recording. */
let overrides: Map<string, Recording>;
let requiredAuth: string | undefined;
/** Paths answered 404 whatever was recorded: a server without them (MLflow 2 has no v3 traces API). */
let missingPaths: Set<string>;
let seenAuth: (string | undefined)[];
/** Every request line the server saw. */
let requests: string[];

function sameValue(recorded: unknown, sent: unknown): boolean {
  if (recorded === null || typeof recorded !== 'object') return String(recorded) === String(sent);
  if (Array.isArray(recorded)) return Array.isArray(sent) && recorded.length === sent.length && recorded.every((v, i) => sameValue(v, sent[i]));
  if (sent === null || typeof sent !== 'object') return false;
  return Object.entries(recorded).every(([k, v]) => sameValue(v, (sent as Record<string, unknown>)[k]));
}

function canonical(method: string, url: URL): string {
  const params = [...url.searchParams.entries()].map(([k, v]) => `${k}=${v}`).sort();
  return `${method} ${url.pathname}?${params.join('&')}`;
}

function recordingFor(method: string, url: URL, body: unknown): Recording | undefined {
  const key = canonical(method, url);
  const override = overrides.get(key);
  if (override) return override;
  for (const rec of recordings.values()) {
    const [m, target] = rec.request.split(' ');
    if (m !== method || canonical(m, new URL(target, base)) !== key) continue;
    if (rec.body === null || sameValue(rec.body, body)) return rec;
  }
  return lifecycleView(method, url, body);
}

/** ACTIVE_ONLY / DELETED_ONLY answers made from the recorded ALL answer by lifecycle_stage. */
function lifecycleView(method: string, url: URL, body: unknown): Recording | undefined {
  const b = body as Record<string, unknown> | null;
  const view = b?.run_view_type ?? b?.view_type;
  if (method !== 'POST' || (view !== 'ACTIVE_ONLY' && view !== 'DELETED_ONLY')) return undefined;
  const stage = view === 'ACTIVE_ONLY' ? 'active' : 'deleted';
  const allBody = { ...b, ...(b?.run_view_type ? { run_view_type: 'ALL' } : { view_type: 'ALL' }) };
  const all = recordingFor(method, url, allBody);
  if (!all) return undefined;
  const response = all.response as { runs?: { info: { lifecycle_stage: string } }[]; experiments?: { lifecycle_stage: string }[] };
  return {
    ...all,
    response: response.runs
      ? { runs: response.runs.filter((r) => r.info.lifecycle_stage === stage) }
      : { experiments: (response.experiments ?? []).filter((e) => e.lifecycle_stage === stage) },
  };
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? null : JSON.parse(text);
}

async function ok<C extends Channel>(channel: C, args: ArgsOf<C>, via = services): Promise<ResultOf<C>> {
  const reply = await via.router.dispatch(channel, args);
  if (!reply.ok) throw new Error(`${channel} failed: ${reply.error.code} ${reply.error.message}`);
  return contract[channel].result.parse(reply.value) as ResultOf<C>;
}

async function fails(channel: Channel, args: unknown, via = services): Promise<StratusErrorShape> {
  const reply = await via.router.dispatch(channel, args);
  if (reply.ok) throw new Error(`expected ${channel} to fail`);
  return reply.error;
}

async function open(via: Services, uri = base): Promise<string> {
  const info = await ok(
    'workspace.open',
    {
      sysroot: inject('sysroot'),
      endpoint: inject('endpoint'),
      credential: { kind: 'connectionString', connectionString: inject('connectionString') },
      mlflowTrackingUri: uri,
    },
    via,
  );
  return info.id;
}

function rec(name: string): Recording {
  const found = recordings.get(name);
  if (!found) throw new Error(`no recording ${name}`);
  return found;
}

function all(sql: string, ...binds: unknown[]): Row[] {
  return fixture.prepare(sql).all(...binds) as Row[];
}

beforeAll(async () => {
  recordings = new Map();
  const folder = path.join(MLFLOW_FIXTURE, 'rest');
  for (const file of (await readdir(folder)).filter((f) => f.endsWith('.json'))) {
    recordings.set(file.replace(/\.json$/, ''), JSON.parse(await readFile(path.join(folder, file), 'utf8')) as Recording);
  }
  server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', base);
      const body = await readBody(req);
      seenAuth.push(req.headers.authorization);
      requests.push(`${req.method} ${url.pathname}${url.search}`);
      if (requiredAuth !== undefined && req.headers.authorization !== requiredAuth) {
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error_code: 'UNAUTHENTICATED', message: 'Invalid credentials' }));
        return;
      }
      const missing = [...missingPaths].some((p) => url.pathname.startsWith(p));
      const found = missing ? undefined : recordingFor(req.method ?? 'GET', url, body);
      if (!found) {
        if (!missing) unanswered.push(`${req.method} ${url.pathname}${url.search} ${JSON.stringify(body)}`);
        res.writeHead(404, { 'content-type': 'text/html' }).end('<p>Not Found</p>');
        return;
      }
      const payload = typeof found.response === 'string' ? found.response : JSON.stringify(found.response);
      res.writeHead(found.status, { 'content-type': found.content_type }).end(payload);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  scratch = await mkdtemp(path.join(tmpdir(), 'stratus-mlflow-rest-'));
  fixture = openFixtureDb();
  unanswered = [];
  seenAuth = [];
  requests = [];
  overrides = new Map();
  missingPaths = new Set();
  services = createServices({ env: {}, userDataDir: scratch });
  workspaceId = await open(services);
});

afterAll(async () => {
  fixture?.close();
  await new Promise((resolve) => server?.close(resolve));
  await rm(scratch, { recursive: true, force: true });
});

beforeEach(() => {
  missingPaths = new Set();
  overrides = new Map();
  requiredAuth = undefined;
  seenAuth = [];
});

describe('MLflow REST source: experiments and runs', () => {
  it('lists the experiments of the active and all views as the server answered', async () => {
    const recorded = (rec('experiments_search').response as { experiments: { experiment_id: string; lifecycle_stage: string }[] }).experiments;
    const everything = await ok('mlflow.experiments', { workspaceId, view: 'all' });
    expect(everything.source).toEqual({ kind: 'rest', uri: base });
    expect(everything.experiments.map((e) => e.experimentId).sort()).toEqual(recorded.map((e) => e.experiment_id).sort());
    expect(everything.experiments.map((e) => e.experimentId).sort()).toEqual(all('SELECT experiment_id FROM experiments').map((r) => String(r.experiment_id)).sort());
    const active = await ok('mlflow.experiments', { workspaceId, view: 'active' });
    const recordedActive = (rec('experiments_search_active_get').response as { experiments: { experiment_id: string }[] }).experiments;
    expect(active.experiments.map((e) => e.experimentId).sort()).toEqual(recordedActive.map((e) => e.experiment_id).sort());
    expect(active.experiments.every((e) => e.lifecycleStage === 'active')).toBe(true);
    const tagged = everything.experiments.find((e) => e.experimentId === '1');
    expect(tagged?.tags).toEqual(Object.fromEntries(all('SELECT key, value FROM experiment_tags WHERE experiment_id = 1').map((r) => [r.key, r.value])));
  });

  it('lists runs with params, tags and latest metrics; deleted runs only in the deleted view', async () => {
    const ids = ['1', '2'];
    const fetch = async (view: 'all' | 'active' | 'deleted') => (await ok('mlflow.runs', { workspaceId, experimentIds: ids, view, maxResults: 100 })).runs;
    const everything = await fetch('all');
    const rows = all('SELECT * FROM runs WHERE experiment_id IN (1, 2)');
    expect(everything.map((r) => r.runId).sort()).toEqual(rows.map((r) => r.run_uuid).sort());
    for (const run of everything) {
      const row = rows.find((r) => r.run_uuid === run.runId) as Row;
      expect(run.lifecycleStage).toBe(row.lifecycle_stage);
      expect(run.status).toBe(row.status);
      expect(run.params).toEqual(Object.fromEntries(all('SELECT key, value FROM params WHERE run_uuid = ?', run.runId).map((r) => [r.key, r.value])));
      expect(run.tags).toEqual(Object.fromEntries(all('SELECT key, value FROM tags WHERE run_uuid = ?', run.runId).map((r) => [r.key, r.value])));
      const latest = all('SELECT key, value, step, timestamp FROM latest_metrics WHERE run_uuid = ?', run.runId);
      for (const m of latest) expect(run.metrics[m.key as string]).toEqual({ value: m.value, step: m.step, timestamp: m.timestamp });
    }
    const active = await fetch('active');
    const deleted = await fetch('deleted');
    expect(deleted.length).toBeGreaterThan(0);
    expect(deleted.every((r) => r.lifecycleStage === 'deleted')).toBe(true);
    expect(active.every((r) => r.lifecycleStage === 'active')).toBe(true);
    expect([...active, ...deleted].map((r) => r.runId).sort()).toEqual(everything.map((r) => r.runId).sort());
  });

  it('shows a run with description and dataset inputs, and a deleted run as deleted', async () => {
    const recorded = rec('runs_get').response as { run: { info: { run_id: string } } };
    const detail = await ok('mlflow.run', { workspaceId, runId: recorded.run.info.run_id });
    expect(detail.description).toBe(all("SELECT value FROM tags WHERE run_uuid = ? AND key = 'mlflow.note.content'", recorded.run.info.run_id)[0].value);
    expect(detail.inputs.map((i) => [i.name, i.digest, i.tags])).toEqual(
      all('SELECT d.name, d.digest FROM inputs i JOIN datasets d ON d.dataset_uuid = i.source_id WHERE i.destination_id = ?', recorded.run.info.run_id).map((d) => [
        d.name,
        d.digest,
        { 'mlflow.data.context': 'training' },
      ]),
    );
    const deletedId = (rec('runs_get_deleted').response as { run: { info: { run_id: string } } }).run.info.run_id;
    expect((await ok('mlflow.run', { workspaceId, runId: deletedId })).run.lifecycleStage).toBe('deleted');
  });

  it('reads a metric history, and pages past the empty first page MLflow 3.5 can answer', async () => {
    const runId = 'd90d823ba24a4929bef2381830403acb';
    const expected = all("SELECT step, timestamp, value FROM metrics WHERE run_uuid = ? AND key = 'train_loss' ORDER BY step", runId).map((m) => ({
      step: m.step,
      timestamp: m.timestamp,
      value: m.value,
    }));
    const plain = await ok('mlflow.metricHistory', { workspaceId, runIds: [runId], key: 'train_loss' });
    expect(plain.series[0].points).toEqual(expected);

    // The quirk: a page without metrics but with a next_page_token (as recorded) comes first.
    const empty = rec('metrics_get_history');
    const token = (empty.response as { next_page_token: string }).next_page_token;
    const first = `GET /api/2.0/mlflow/metrics/get-history?max_results=1000&metric_key=train_loss&run_id=${runId}`;
    overrides.set(first, empty);
    overrides.set(`GET /api/2.0/mlflow/metrics/get-history?max_results=1000&metric_key=train_loss&page_token=${token}&run_id=${runId}`, rec('metrics_get_history_max_results'));
    const quirky = await ok('mlflow.metricHistory', { workspaceId, runIds: [runId], key: 'train_loss' });
    expect(quirky.series[0]).toEqual({ runId, points: expected, truncated: false });
  });

  it('lists artifacts and previews a text file through the server', async () => {
    const runId = 'd90d823ba24a4929bef2381830403acb';
    for (const [name, folder] of [
      ['artifacts_list_root', ''],
      ['artifacts_list_nested', 'model_dir/weights'],
    ] as const) {
      const recorded = rec(name).response as { root_uri: string; files: { path: string; is_dir: boolean; file_size?: number }[] };
      const listing = await ok('mlflow.artifacts', { workspaceId, runId, ...(folder ? { path: folder } : {}) });
      expect(listing.rootUri).toBe(recorded.root_uri);
      expect(listing.entries.map((e) => [e.path, e.isDir, e.size]).sort()).toEqual(recorded.files.map((f) => [f.path, f.is_dir, f.is_dir ? null : f.file_size]).sort());
    }
    const preview = await ok('mlflow.artifact', { workspaceId, runId, path: 'notes/summary.txt' });
    expect(preview).toMatchObject({ kind: 'text', text: rec('get_artifact_text').response, truncated: false });
  });
});

describe('MLflow REST source: traces', () => {
  it('lists a page of traces as the v3 search answered, with the fixture database’s facts', async () => {
    const recorded = (rec('traces_search_v3').response as { traces: { trace_id: string }[]; next_page_token: string });
    const page = await ok('mlflow.traces', { workspaceId, experimentIds: ['1', '4'], pageSize: 5 });
    expect(page.traces.map((t) => t.traceId)).toEqual(recorded.traces.map((t) => t.trace_id));
    expect(page.nextPageToken).toBe(recorded.next_page_token);
    for (const row of page.traces) {
      const info = all('SELECT * FROM trace_info WHERE request_id = ?', row.traceId)[0];
      expect(row).toMatchObject({ experimentId: String(info.experiment_id), timestampMs: info.timestamp_ms, durationMs: info.execution_time_ms, state: info.status });
      const stored = all("SELECT value FROM trace_request_metadata WHERE request_id = ? AND key = 'mlflow.trace.tokenUsage'", row.traceId)[0];
      expect(row.storedTokens).toEqual(stored ? parseStoredUsage(stored.value) : null);
      // These traces' spans were not recorded: no computed total, and that is not called a mismatch.
      expect(row.spanCount).toBeNull();
      expect(row.tokenMismatch).toBe(false);
    }
  });

  it('finds a trace by its whole id though the server’s first page does not list it', async () => {
    const listed = (rec('traces_search_v3').response as { traces: { trace_id: string }[] }).traces.map((t) => t.trace_id);
    const info = (rec('trace_info_v3').response as { trace: { trace_info: { trace_id: string; trace_location: { mlflow_experiment: { experiment_id: string } } } } }).trace.trace_info;
    expect(listed).not.toContain(info.trace_id);
    const experimentId = String(info.trace_location.mlflow_experiment.experiment_id);
    const page = await ok('mlflow.traces', { workspaceId, experimentIds: ['1', '4'], pageSize: 5, filter: { text: ` ${info.trace_id.toUpperCase()} ` } });
    expect(page.traces.map((t) => t.traceId)).toEqual([info.trace_id]);
    expect(page.traces[0].experimentId).toBe(experimentId);
  });

  it('passes a tag filter to the server', async () => {
    const recorded = (rec('traces_search_v3_filter_tag').response as { traces: { trace_id: string }[] }).traces;
    const page = await ok('mlflow.traces', { workspaceId, experimentIds: ['1', '4'], pageSize: 3, filter: { tag: { key: 'env', value: 'prod' } } });
    expect(page.traces.map((t) => t.traceId)).toEqual(recorded.map((t) => t.trace_id));
    for (const t of page.traces) expect(t.tags.env).toBe('prod');
  });

  it('opens traces with spans from the server after batchGet answers 404, with MLflow’s totals and the exception', async () => {
    const fresh = createServices({ env: {}, userDataDir: scratch });
    const wsId = await open(fresh);
    requests = [];
    for (const name of ['trace_info_v3', 'trace_info_v3_error']) {
      const traceId = (rec(name).response as { trace: { trace_info: { trace_id: string } } }).trace.trace_info.trace_id;
      const detail = await ok('mlflow.trace', { workspaceId: wsId, traceId }, fresh);
      expect(detail.spanSource).toBe('server');
      expect(detail.spans.map((s) => s.spanId).sort()).toEqual(all('SELECT span_id FROM spans WHERE trace_id = ?', traceId).map((r) => r.span_id).sort());
      const stored = all("SELECT value FROM trace_request_metadata WHERE request_id = ? AND key = 'mlflow.trace.tokenUsage'", traceId)[0];
      expect(detail.info.storedTokens).toEqual(stored ? parseStoredUsage(stored.value) : null);
      if (stored) expect(detail.info.tokens).toEqual(parseStoredUsage(stored.value));
      expect(detail.info.tokenMismatch).toBe(false);
      expect(detail.assessments.map((a) => a.assessmentId).sort()).toEqual(all('SELECT assessment_id FROM assessments WHERE trace_id = ?', traceId).map((r) => r.assessment_id).sort());
      if (detail.info.state === 'ERROR') {
        const ex = detail.spans.flatMap((s) => s.exceptions);
        expect(ex.length).toBeGreaterThan(0);
        expect(ex.every((e) => (e.stacktrace ?? '') !== '' && (e.type ?? '') !== '')).toBe(true);
      }
    }
    // batchGet was asked once (the recorded 404), not again for the second trace.
    expect(requests.filter((r) => r.includes('/traces/batchGet'))).toHaveLength(1);
    expect(requests.filter((r) => r.includes('get-trace-artifact'))).toHaveLength(2);
  });
});

describe('MLflow REST source: an MLflow 2 server (no v3 traces API)', () => {
  it('lists traces through GET /api/2.0/mlflow/traces and opens one through its v2 info', async () => {
    missingPaths.add('/api/3.0/mlflow/traces');
    const v2 = createServices({ env: {}, userDataDir: scratch });
    const wsId = await open(v2);
    const recorded = (rec('traces_search_v2_page2_filter').response as { traces: { request_id: string }[]; next_page_token: string });
    const page = await ok('mlflow.traces', { workspaceId: wsId, experimentIds: ['1', '4'], pageSize: 5, filter: { states: ['ERROR'] } }, v2);
    expect(page.traces.map((t) => t.traceId)).toEqual(recorded.traces.map((t) => t.request_id));
    expect(page.traces.every((t) => t.state === 'ERROR')).toBe(true);
    expect(page.nextPageToken).toBe(recorded.next_page_token);
    const traceId = (rec('trace_info_v2').response as { trace_info: { request_id: string } }).trace_info.request_id;
    const detail = await ok('mlflow.trace', { workspaceId: wsId, traceId }, v2);
    expect(detail.spanSource).toBe('server');
    const stored = all("SELECT value FROM trace_request_metadata WHERE request_id = ? AND key = 'mlflow.trace.tokenUsage'", traceId)[0];
    expect(detail.info.tokens).toEqual(parseStoredUsage(stored.value));
    expect(detail.info.tags).toEqual(Object.fromEntries(all('SELECT key, value FROM trace_tags WHERE request_id = ?', traceId).map((r) => [r.key, r.value])));
  });
});

describe('MLflow REST source: requests', () => {
  it('asked the server only what it answered, apart from spans of traces whose spans were not recorded', () => {
    expect(unanswered.filter((r) => !r.includes('/traces/batchGet') && !r.includes('/get-trace-artifact'))).toEqual([]);
  });
});

describe('MLflow REST source: authentication and errors', () => {
  it('sends MLFLOW_TRACKING_USERNAME/PASSWORD as Basic, else MLFLOW_TRACKING_TOKEN as Bearer, and reports a rejection', async () => {
    const basic = createServices({ env: { MLFLOW_TRACKING_URI: base, MLFLOW_TRACKING_USERNAME: 'ds', MLFLOW_TRACKING_PASSWORD: 's3cret' }, userDataDir: scratch });
    requiredAuth = `Basic ${Buffer.from('ds:s3cret').toString('base64')}`;
    const basicWs = await open(basic);
    expect((await ok('mlflow.experiments', { workspaceId: basicWs, view: 'all' }, basic)).experiments.length).toBeGreaterThan(0);

    const bearer = createServices({ env: { MLFLOW_TRACKING_URI: base, MLFLOW_TRACKING_TOKEN: 'tok-123' }, userDataDir: scratch });
    requiredAuth = 'Bearer tok-123';
    const bearerWs = await open(bearer);
    expect((await ok('mlflow.experiments', { workspaceId: bearerWs, view: 'all' }, bearer)).experiments.length).toBeGreaterThan(0);
    expect(seenAuth.every((a) => a === `Basic ${Buffer.from('ds:s3cret').toString('base64')}` || a === 'Bearer tok-123')).toBe(true);

    const rejected = await fails('mlflow.experiments', { workspaceId, view: 'all' });
    expect(rejected.code).toBe('AUTH_FAILED');
    expect(rejected.message).toContain('credentials');
  });

  it('keeps credentials in the URI out of what the UI sees', async () => {
    const withUser = base.replace('http://', 'http://ds:pw@');
    requiredAuth = `Basic ${Buffer.from('ds:pw').toString('base64')}`;
    const wsId = await open(services, withUser);
    const status = await ok('mlflow.status', { workspaceId: wsId });
    expect(status.source?.uri).toBe(base);
    expect(JSON.stringify(status)).not.toContain('pw');
    expect((await ok('mlflow.experiments', { workspaceId: wsId, view: 'all' })).experiments.length).toBeGreaterThan(0);
  });

  it('says the server is unreachable', async () => {
    const wsId = await open(services, 'http://127.0.0.1:9');
    const error = await fails('mlflow.experiments', { workspaceId: wsId });
    expect(error.code).toBe('UNREACHABLE');
  });
});
