import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createServices, type Services } from '../../electron/services.js';
import { contract, type ArgsOf, type Channel, type ResultOf } from '../../shared/contract.js';
import { parseStoredUsage } from '../../shared/token-usage.js';
import { openFixtureDb } from '../harness/mlflow-fixture.js';
import { buildFileStore } from '../harness/mlflow-file-store.js';

// The file-store source (mlruns/) on a store laid out as MLflow's FileStore writes it, made from
// the shared fixture's database (test/harness/mlflow-file-store.ts).

type Row = Record<string, unknown>;

let services: Services;
let scratch: string;
let mlruns: string;
let fixture: Database.Database;
let workspaceId: string;

function all(sql: string, ...binds: unknown[]): Row[] {
  return fixture.prepare(sql).all(...binds) as Row[];
}

async function ok<C extends Channel>(channel: C, args: ArgsOf<C>): Promise<ResultOf<C>> {
  const reply = await services.router.dispatch(channel, args);
  if (!reply.ok) throw new Error(`${channel} failed: ${reply.error.code} ${reply.error.message}`);
  return contract[channel].result.parse(reply.value) as ResultOf<C>;
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'stratus-mlruns-'));
  mlruns = path.join(scratch, 'mlruns');
  fixture = openFixtureDb();
  await buildFileStore(fixture, mlruns);
  services = createServices({ env: {}, userDataDir: scratch });
  // The user chose the scratch folder holding mlruns (in the app: an open dialog in main).
  await services.localAccess.grant(scratch);
  const info = await ok('workspace.open', {
    sysroot: inject('sysroot'),
    endpoint: inject('endpoint'),
    credential: { kind: 'connectionString', connectionString: inject('connectionString') },
    mlflowTrackingUri: pathToFileURL(mlruns).href,
  });
  workspaceId = info.id;
});

afterAll(async () => {
  fixture?.close();
  await rm(scratch, { recursive: true, force: true });
});

describe('MLflow file store (mlruns/)', () => {
  it('lists experiments by view, deleted ones from .trash', async () => {
    expect((await ok('mlflow.status', { workspaceId })).source?.kind).toBe('file');
    for (const view of ['active', 'deleted', 'all'] as const) {
      const listed = await ok('mlflow.experiments', { workspaceId, view });
      const expected = all('SELECT name FROM experiments' + (view === 'all' ? '' : ' WHERE lifecycle_stage = ?'), ...(view === 'all' ? [] : [view])).map((r) => r.name);
      expect(listed.experiments.map((e) => e.name).sort()).toEqual(expected.sort());
    }
  });

  it("applies MLflow's run search in memory, paging what matches", async () => {
    const ids = all('SELECT experiment_id FROM experiments').map((r) => String(r.experiment_id));
    const p = all('SELECT key, value FROM params ORDER BY key, value LIMIT 1')[0] as { key: string; value: string };
    const want = all('SELECT run_uuid FROM params WHERE key = ? AND value = ?', p.key, p.value).map((r) => r.run_uuid as string).sort();
    const filter = `params.\`${p.key}\` = '${p.value}' and attributes.run_id NOT IN ('none')`;
    const first = await ok('mlflow.runs', { workspaceId, experimentIds: ids, view: 'all', filter, maxResults: 1 });
    const rest = await ok('mlflow.runs', { workspaceId, experimentIds: ids, view: 'all', filter, pageToken: first.nextPageToken ?? undefined });
    expect([...first.runs, ...(want.length > 1 ? rest.runs : [])].map((r) => r.runId).sort()).toEqual(want);
  });

  it('lists runs with status, params, tags and latest metrics; deleted runs only in the deleted view', async () => {
    const ids = all('SELECT experiment_id FROM experiments').map((r) => String(r.experiment_id));
    for (const view of ['active', 'deleted', 'all'] as const) {
      const page = await ok('mlflow.runs', { workspaceId, experimentIds: ids, view });
      const rows = all('SELECT * FROM runs' + (view === 'all' ? '' : ' WHERE lifecycle_stage = ?'), ...(view === 'all' ? [] : [view]));
      expect(page.runs.map((r) => r.runId).sort()).toEqual(rows.map((r) => r.run_uuid).sort());
      for (const run of page.runs) {
        const row = rows.find((r) => r.run_uuid === run.runId) as Row;
        expect(run.status).toBe(row.status);
        expect(run.name).toBe(row.name);
        expect(run.params).toEqual(Object.fromEntries(all('SELECT key, value FROM params WHERE run_uuid = ?', run.runId).map((p) => [p.key, p.value])));
        expect(run.tags).toEqual(Object.fromEntries(all('SELECT key, value FROM tags WHERE run_uuid = ?', run.runId).map((p) => [p.key, p.value])));
        for (const m of all('SELECT key, value, step, timestamp FROM latest_metrics WHERE run_uuid = ?', run.runId)) {
          expect(run.metrics[m.key as string]).toEqual({ value: m.value, step: m.step, timestamp: m.timestamp });
        }
      }
    }
  });

  it('reads metric histories, run details and local artifacts', async () => {
    const { run_uuid: runId, key } = all('SELECT run_uuid, key FROM metrics GROUP BY run_uuid, key HAVING COUNT(*) > 3 LIMIT 1')[0] as { run_uuid: string; key: string };
    const history = await ok('mlflow.metricHistory', { workspaceId, runIds: [runId], key });
    expect(history.series[0].points).toEqual(all('SELECT step, timestamp, value FROM metrics WHERE run_uuid = ? AND key = ? ORDER BY step, timestamp', runId, key));
    const detail = await ok('mlflow.run', { workspaceId, runId });
    expect(detail.description).toBe((all("SELECT value FROM tags WHERE run_uuid = ? AND key = 'mlflow.note.content'", runId)[0]?.value as string | undefined) ?? null);
    const parent = all("SELECT value FROM tags WHERE key = 'mlflow.parentRunId' LIMIT 1")[0].value as string;
    expect((await ok('mlflow.run', { workspaceId, runId: parent })).childRunIds).toEqual(
      all("SELECT run_uuid FROM tags WHERE key = 'mlflow.parentRunId' AND value = ?", parent).map((r) => r.run_uuid).sort(),
    );
    const listing = await ok('mlflow.artifacts', { workspaceId, runId });
    expect(listing.entries.map((e) => [e.path, e.isDir])).toEqual([['notes', true]]);
    expect(await ok('mlflow.artifact', { workspaceId, runId, path: 'notes/summary.txt' })).toMatchObject({ kind: 'text', text: `run ${runId}\n` });
  });

  it('lists the traces linked to a run (mlflow.sourceRun) and finds a trace by its id', async () => {
    const ids = all('SELECT experiment_id FROM experiments').map((r) => String(r.experiment_id));
    const links = all("SELECT request_id, value FROM trace_request_metadata WHERE key = 'mlflow.sourceRun'");
    expect(links.length).toBeGreaterThan(0);
    for (const runId of new Set(links.map((l) => l.value as string))) {
      const linked = await ok('mlflow.traces', { workspaceId, experimentIds: ids, pageSize: 500, filter: { runId } });
      expect(linked.traces.map((r) => r.traceId).sort()).toEqual(links.filter((l) => l.value === runId).map((l) => l.request_id).sort());
    }
    const id = all('SELECT request_id FROM trace_info ORDER BY timestamp_ms LIMIT 1')[0].request_id as string;
    const byId = await ok('mlflow.traces', { workspaceId, experimentIds: ids, pageSize: 500, filter: { text: id } });
    expect(byId.traces.map((r) => r.traceId)).toEqual([id]);
  });

  it('filters traces by span fields from their traces.json, paging what matches', async () => {
    const ids = all('SELECT experiment_id FROM experiments').map((r) => String(r.experiment_id));
    const failedTools = all("SELECT DISTINCT trace_id FROM spans WHERE type = 'TOOL' AND status = 'ERROR'").map((r) => r.trace_id as string).sort();
    expect(failedTools.length).toBeGreaterThan(1);
    const first = await ok('mlflow.traces', { workspaceId, experimentIds: ids, pageSize: 1, filter: { span: { type: 'tool', status: 'ERROR' } } });
    expect(first.total).toBe(failedTools.length);
    const rest = await ok('mlflow.traces', { workspaceId, experimentIds: ids, pageSize: 500, pageToken: first.nextPageToken ?? undefined, filter: { span: { type: 'tool', status: 'ERROR' } } });
    expect([...first.traces, ...rest.traces].map((t) => t.traceId).sort()).toEqual(failedTools);
    const names = all("SELECT DISTINCT trace_id FROM spans WHERE type = 'CHAT_MODEL'").map((r) => r.trace_id as string).sort();
    const chat = await ok('mlflow.traces', { workspaceId, experimentIds: ids, pageSize: 500, filter: { span: { type: 'CHAT_MODEL', model: '%' } } });
    expect(chat.traces.map((t) => t.traceId).sort()).toEqual(names);
  });

  it('lists traces with MLflow’s token totals and opens them from traces.json', async () => {
    const ids = all('SELECT experiment_id FROM experiments').map((r) => String(r.experiment_id));
    const page = await ok('mlflow.traces', { workspaceId, experimentIds: ids, pageSize: 500 });
    expect(page.traces.map((t) => t.traceId).sort()).toEqual(all('SELECT request_id FROM trace_info').map((r) => r.request_id).sort());
    for (const row of page.traces) {
      const info = all('SELECT * FROM trace_info WHERE request_id = ?', row.traceId)[0];
      expect(row).toMatchObject({ timestampMs: info.timestamp_ms, durationMs: info.execution_time_ms, state: info.status, experimentId: String(info.experiment_id) });
      if (row.storedTokens) expect(row.tokens).toEqual(row.storedTokens);
    }
    const stored = all("SELECT request_id, value FROM trace_request_metadata WHERE key = 'mlflow.trace.tokenUsage'");
    expect(page.traces.filter((t) => t.storedTokens !== null)).toHaveLength(stored.length);
    const errors = await ok('mlflow.traces', { workspaceId, experimentIds: ids, pageSize: 500, filter: { states: ['ERROR'] } });
    expect(errors.traces.map((t) => t.traceId).sort()).toEqual(all("SELECT request_id FROM trace_info WHERE status = 'ERROR'").map((r) => r.request_id).sort());
    const error = await ok('mlflow.trace', { workspaceId, traceId: errors.traces[0].traceId });
    expect(error.spanSource).toBe('traces.json artifact');
    expect(error.spans.some((s) => s.exceptions.length > 0)).toBe(true);
    // A traces.json trace comes in slices too, one span at a time here, adding up to the whole trace.
    expect(error.spanTotal).toBe(error.spans.length);
    const sliced = [];
    for (let spanOffset = 0; spanOffset < error.spanTotal; spanOffset++) {
      sliced.push(...(await ok('mlflow.trace', { workspaceId, traceId: error.info.traceId, spanOffset, spanLimit: 1 })).spans);
    }
    expect(sliced).toEqual(error.spans);
    const withUsage = await ok('mlflow.trace', { workspaceId, traceId: stored[0].request_id as string });
    expect(withUsage.info.tokens).toEqual(parseStoredUsage(stored[0].value));
  });
});
