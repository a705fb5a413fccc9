import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { BlobServiceClient } from '@azure/storage-blob';
import Database from 'better-sqlite3';
import { Parser, type ReadEntry } from 'tar';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GcService } from '../../electron/gc/gc-service.js';
import { gcWorkspace } from '../../electron/gc/gc-workspace.js';
import { GcJournal } from '../../electron/gc/journal.js';
import { createServices, type Services } from '../../electron/services.js';
import { startAzurite, type AzuriteInstance } from '../harness/azurite.js';
import { repoRoot } from '../harness/repo.js';

// MLflow gc on a copy of the shared fixture's tracking database, with its artifacts loaded into an
// Azurite of this file's own (the URIs name the container "mlflow"). Expectations come from the
// fixture's record of a real `mlflow gc` run (gc/): the runs, experiments and blobs it removed and
// the row counts it left.

const FIXTURE = path.resolve(repoRoot, '../shared/fixtures/mlflow');
const GC_RECORD = path.join(FIXTURE, 'gc');
const CONTAINER = 'mlflow';
const URI_ROOT = `wasbs://${CONTAINER}@devstoreaccount1.blob.core.windows.net/`;

let azurite: AzuriteInstance;
let service: BlobServiceClient;
let services: Services;
let work: string;
let db: string;

async function loadArtifacts(): Promise<void> {
  const container = service.getContainerClient(CONTAINER);
  await container.deleteIfExists();
  await container.create();
  const pending: Promise<unknown>[] = [];
  const parser = new Parser({
    onReadEntry(entry: ReadEntry) {
      const name = entry.path.replace(/^\.\//, '');
      if (entry.type !== 'File' || !name.startsWith(`${CONTAINER}/`)) {
        entry.resume();
        return;
      }
      pending.push(entry.concat().then((body) => container.getBlockBlobClient(name.slice(CONTAINER.length + 1)).uploadData(body)));
    },
  });
  await pipeline(createReadStream(path.join(FIXTURE, 'artifacts.tar.gz')), parser);
  await Promise.all(pending);
}

async function blobNames(): Promise<string[]> {
  const names: string[] = [];
  for await (const blob of service.getContainerClient(CONTAINER).listBlobsFlat()) names.push(blob.name);
  return names.sort();
}

async function recordLines(file: string): Promise<string[]> {
  return (await readFile(path.join(GC_RECORD, file), 'utf8')).split('\n').filter((l) => l.trim() !== '');
}

/** `<size> <name>` lines of a recorded blob listing → names. */
async function recordedBlobs(file: string): Promise<string[]> {
  return (await recordLines(file)).map((l) => l.slice(l.indexOf(' ') + 1)).sort();
}

function rowCounts(file: string): Map<string, number> {
  const conn = new Database(file, { readonly: true });
  const tables = (conn.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'alembic_version' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);
  const counts = new Map(tables.map((t) => [t, (conn.prepare(`SELECT count(*) AS n FROM "${t}"`).get() as { n: number }).n]));
  conn.close();
  return counts;
}

async function openGc(): Promise<{ gc: GcService; workspaceId: string; name: string; journal: GcJournal }> {
  const info = await services.workspaces.connect({ kind: 'azure', sysroot: CONTAINER, endpoint: azurite.endpoint, credential: { kind: 'connectionString', connectionString: azurite.connectionString } });
  const ws = gcWorkspace(services.workspaces.get(info.id));
  const journal = GcJournal.open(path.join(work, `journal-${Date.now()}.db`));
  return { gc: new GcService(journal, () => ws), workspaceId: info.id, name: ws.name, journal };
}

beforeAll(async () => {
  azurite = await startAzurite({ inMemory: true });
  service = BlobServiceClient.fromConnectionString(azurite.connectionString);
  work = await mkdtemp(path.join(tmpdir(), 'stratus-gc-mlflow-'));
  services = createServices({ env: {}, userDataDir: work });
  // The user chose the work folder holding the tracking database (in the app: an open dialog in main).
  await services.localAccess.grant(work);
});

afterAll(async () => {
  await azurite?.stop();
  await rm(work, { recursive: true, force: true });
});

beforeEach(async () => {
  await loadArtifacts();
  db = path.join(work, `mlflow-${Date.now()}.db`);
  await copyFile(path.join(FIXTURE, 'mlflow.db'), db);
});

describe('MLflow gc against the record of a real `mlflow gc`', () => {
  it('deletes the same runs, experiments and artifacts, and leaves the database consistent', async () => {
    const { gc, workspaceId, name, journal } = await openGc();
    const stdout = await recordLines('gc_stdout.txt');
    const recordedRuns = stdout.flatMap((l) => /^Run with ID (\w+) has been permanently deleted/.exec(l)?.[1] ?? []).sort();
    const recordedExperiments = stdout.flatMap((l) => /^Experiment with ID (\d+) has been permanently deleted/.exec(l)?.[1] ?? []);
    const removed = await recordedBlobs('blobs_removed.txt');

    const plan = await gc.plan({ workspaceId, target: 'mlflow', trackingUri: `sqlite:///${db}` });
    expect(journal.entries(plan.planId).map((e) => e.name).sort()).toEqual(removed.map((n) => URI_ROOT + n));
    expect(plan.groups.reduce((sum, g) => sum + g.runs, 0)).toBe(recordedRuns.length);
    expect(plan.groups.filter((g) => g.experimentRemoved).length).toBe(recordedExperiments.length);

    const runsBefore = new Database(db, { readonly: true });
    const present = (runsBefore.prepare(`SELECT run_uuid FROM runs`).all() as { run_uuid: string }[]).map((r) => r.run_uuid);
    runsBefore.close();

    const report = await gc.execute(plan.planId, name);
    expect(report.deleted).toBe(removed.length);
    expect(report.runsRemoved).toBe(recordedRuns.length);
    expect(report.experimentsRemoved).toBe(recordedExperiments.length);
    expect(await blobNames()).toEqual(await recordedBlobs('blobs_after.txt'));

    const after = rowCounts(db);
    for (const line of await recordLines('rowcounts_after.txt')) {
      const [table, count] = line.split(' ');
      expect([table, after.get(table)]).toEqual([table, Number(count)]);
    }
    const conn = new Database(db, { readonly: true });
    const remaining = new Set((conn.prepare(`SELECT run_uuid FROM runs`).all() as { run_uuid: string }[]).map((r) => r.run_uuid));
    expect(present.filter((r) => !remaining.has(r)).sort()).toEqual(recordedRuns);
    for (const id of recordedExperiments) expect(conn.prepare(`SELECT 1 FROM experiments WHERE experiment_id = ?`).get(Number(id))).toBeUndefined();
    expect(conn.pragma('foreign_key_check')).toEqual([]);
    for (const table of ['metrics', 'latest_metrics', 'params', 'tags']) {
      expect(conn.prepare(`SELECT count(*) AS n FROM ${table} WHERE run_uuid NOT IN (SELECT run_uuid FROM runs)`).get()).toEqual({ n: 0 });
    }
    expect(conn.prepare(`SELECT count(*) AS n FROM inputs WHERE destination_type = 'RUN' AND destination_id NOT IN (SELECT run_uuid FROM runs)`).get()).toEqual({ n: 0 });
    expect(conn.pragma('integrity_check', { simple: true })).toBe('ok');
    conn.close();
    journal.close();
  });

  it('with --older-than, takes only runs deleted (and experiments updated) at least that long ago', async () => {
    const { gc, workspaceId, journal } = await openGc();
    const conn = new Database(db, { readonly: true });
    const { latest } = conn.prepare(`SELECT max(max(r.deleted_time), (SELECT max(last_update_time) FROM experiments)) AS latest FROM runs r`).get() as { latest: number };
    conn.close();
    const now = latest + 2 * 86_400_000;
    const recordedRuns = (await recordLines('gc_stdout.txt')).filter((l) => l.startsWith('Run with ID')).length;
    const oneDay = await gc.plan({ workspaceId, target: 'mlflow', trackingUri: `sqlite:///${db}`, olderThan: '1d' }, { now });
    expect(oneDay.groups.reduce((sum, g) => sum + g.runs, 0)).toBe(recordedRuns);
    const threeDays = await gc.plan({ workspaceId, target: 'mlflow', trackingUri: `sqlite:///${db}`, olderThan: '3d' }, { now });
    expect(threeDays.groups.reduce((sum, g) => sum + g.runs, 0)).toBe(0);
    expect(threeDays.candidates).toBe(0);
    journal.close();
  });

  it('also offers the traces.json blobs whose trace rows are gone, and only those', async () => {
    const { gc, workspaceId, name, journal } = await openGc();
    const conn = new Database(db, { readonly: true });
    const traces = new Set((conn.prepare(`SELECT request_id FROM trace_info`).all() as { request_id: string }[]).map((r) => r.request_id));
    conn.close();
    const orphans = (await blobNames()).filter((n) => /\/traces\/([^/]+)\//.test(n) && !traces.has(/\/traces\/([^/]+)\//.exec(n)?.[1] ?? ''));
    expect(orphans.length).toBeGreaterThan(0);

    const plan = await gc.plan({ workspaceId, target: 'mlflow', trackingUri: `sqlite:///${db}`, includeTraces: true });
    const planned = journal.entries(plan.planId);
    expect(planned.filter((e) => e.name.includes('/traces/')).map((e) => e.name).sort()).toEqual(orphans.map((n) => URI_ROOT + n));
    expect(planned.find((e) => e.name.includes('/traces/'))?.reason).toMatch(/no row in trace_info/);
    await gc.execute(plan.planId, name);
    const left = await blobNames();
    for (const orphan of orphans) expect(left).not.toContain(orphan);
    expect(left.filter((n) => n.endsWith('traces.json'))).toHaveLength(traces.size);
    journal.close();
  });
});

/**
 * A stand-in tracking server answering the three REST calls gc makes (experiments/search,
 * runs/search, runs/get) from the tracking database, with MLflow's field names.
 */
async function trackingServer(file: string): Promise<{ url: string; close: () => Promise<void> }> {
  const conn = new Database(file, { readonly: true });
  const runInfo = (r: Record<string, unknown>) => ({
    info: { run_id: r.run_uuid, run_uuid: r.run_uuid, experiment_id: String(r.experiment_id), status: r.status, start_time: r.start_time, artifact_uri: r.artifact_uri, lifecycle_stage: r.lifecycle_stage },
    data: {},
  });
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const args = body ? (JSON.parse(body) as { experiment_ids?: string[]; run_view_type?: string }) : {};
      let answer: unknown;
      if (url.pathname === '/api/2.0/mlflow/experiments/search') {
        const rows = conn.prepare(`SELECT * FROM experiments`).all() as Record<string, unknown>[];
        answer = { experiments: rows.map((e) => ({ experiment_id: String(e.experiment_id), name: e.name, artifact_location: e.artifact_location, lifecycle_stage: e.lifecycle_stage })) };
      } else if (url.pathname === '/api/2.0/mlflow/runs/search') {
        expect(args.run_view_type).toBe('DELETED_ONLY');
        const ids = (args.experiment_ids ?? []).map(Number);
        const rows = (conn.prepare(`SELECT * FROM runs WHERE lifecycle_stage = 'deleted'`).all() as Record<string, unknown>[]).filter((r) => ids.includes(Number(r.experiment_id)));
        answer = { runs: rows.map(runInfo) };
      } else if (url.pathname === '/api/2.0/mlflow/runs/get') {
        answer = { run: runInfo(conn.prepare(`SELECT * FROM runs WHERE run_uuid = ?`).get(url.searchParams.get('run_id')) as Record<string, unknown>) };
      }
      res.writeHead(answer === undefined ? 404 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer ?? { error_code: 'ENDPOINT_NOT_FOUND' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      conn.close();
    },
  };
}

describe('MLflow gc through a tracking server', () => {
  it('deletes the artifacts of the runs mlflow gc removes, keeps every row, and says so', async () => {
    const server = await trackingServer(db);
    try {
      const { gc, workspaceId, name, journal } = await openGc();
      const removed = await recordedBlobs('blobs_removed.txt');
      const before = rowCounts(db);
      const plan = await gc.plan({ workspaceId, target: 'mlflow', trackingUri: server.url });
      expect(journal.entries(plan.planId).map((e) => e.name).sort()).toEqual(removed.map((n) => URI_ROOT + n));
      expect(plan.notes.join(' ')).toMatch(/only artifacts/);
      await expect(gc.plan({ workspaceId, target: 'mlflow', trackingUri: server.url, olderThan: '1d' })).rejects.toThrow(/older than/);

      const report = await gc.execute(plan.planId, name);
      expect(report.deleted).toBe(removed.length);
      expect(report.runsRemoved).toBe(0);
      expect(report.notes.join(' ')).toMatch(/artifacts only/);
      expect(await blobNames()).toEqual(await recordedBlobs('blobs_after.txt'));
      expect(rowCounts(db)).toEqual(before);
      journal.close();
    } finally {
      await server.close();
    }
  });
});
