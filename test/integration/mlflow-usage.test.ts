import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { BlobServiceClient } from '@azure/storage-blob';
import Database from 'better-sqlite3';
import { Parser, type ReadEntry } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract, type ArgsOf, type Channel, type ResultOf } from '../../shared/contract.js';
import type { MlflowUsageProgress } from '../../shared/schemas/mlflow-usage.js';
import { createServices, type Services } from '../../electron/services.js';
import { startAzurite, type AzuriteInstance } from '../harness/azurite.js';
import { copyMlflowDb, fixtureBlobPrefix, loadMlflowArtifacts, MLFLOW_CONTAINER, MLFLOW_FIXTURE } from '../harness/mlflow-fixture.js';
import { startRequestLogProxy, type RequestLogProxy } from '../harness/request-log-proxy.js';

// MLflow usage on the shared fixture: its tracking database copied, its artifacts in an Azurite of
// this file's own (blobs are added and archived here), reached through a proxy that logs every
// request. Expected figures are summed here from the fixture's tarball and database.

type Row = Record<string, unknown>;

let azurite: AzuriteInstance;
let proxy: RequestLogProxy;
let services: Services;
let scratch: string;
let dbFile: string;
let workspaceId: string;
/** Blob name in container "mlflow" → size, from the fixture's tarball. */
const sizes = new Map<string, number>();
const progress: MlflowUsageProgress[] = [];

async function ok<C extends Channel>(channel: C, args: ArgsOf<C>): Promise<ResultOf<C>> {
  const reply = await services.router.dispatch(channel, args);
  if (!reply.ok) throw new Error(`${channel} failed: ${reply.error.code} ${reply.error.message}`);
  return contract[channel].result.parse(reply.value) as ResultOf<C>;
}

function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is missing`);
  return value;
}

async function tarballSizes(): Promise<void> {
  const parser = new Parser({
    onReadEntry(entry: ReadEntry) {
      const name = entry.path.replace(/^\.\//, '');
      if (entry.type === 'File' && name.startsWith(`${MLFLOW_CONTAINER}/`)) sizes.set(name.slice(MLFLOW_CONTAINER.length + 1), entry.size);
      entry.resume();
    },
  });
  await pipeline(createReadStream(path.join(MLFLOW_FIXTURE, 'artifacts.tar.gz')), parser);
}

function rows(sql: string): Row[] {
  const db = new Database(dbFile, { readonly: true });
  try {
    return db.prepare(sql).all() as Row[];
  } finally {
    db.close();
  }
}

/** Files and bytes of the blobs below a folder (a wasbs URI of the fixture). */
function under(uri: string, extra: ReadonlyMap<string, number> = new Map()): { files: number; bytes: number } {
  const prefix = `${fixtureBlobPrefix(uri)}/`;
  let files = 0;
  let bytes = 0;
  for (const [name, size] of [...sizes, ...extra]) {
    if (!name.startsWith(prefix)) continue;
    files++;
    bytes += size;
  }
  return { files, bytes };
}

/** Folders the usage build listed: the prefix of every List Blobs request since `from`. */
function listedPrefixes(from: number): string[] {
  return proxy.requests
    .slice(from)
    .filter((r) => r.method === 'GET' && /[?&]comp=list/.test(r.url) && /[?&]restype=container/.test(r.url))
    .map((r) => new URL(r.url, 'http://x').searchParams.get('prefix') ?? '');
}

beforeAll(async () => {
  azurite = await startAzurite({ inMemory: true });
  await loadMlflowArtifacts(azurite.connectionString);
  await tarballSizes();
  proxy = await startRequestLogProxy(azurite.endpoint);
  scratch = await mkdtemp(path.join(tmpdir(), 'stratus-mlflow-usage-'));
  dbFile = await copyMlflowDb(scratch);
  services = createServices({ env: {}, userDataDir: scratch });
  services.events.subscribe((event, payload) => {
    if (event === 'mlflow.usage.progress') progress.push(payload as MlflowUsageProgress);
  });
  await services.localAccess.grant(scratch);
  const endpoint = `${proxy.uri}/${azurite.accountName}`;
  const info = await ok('workspace.open', {
    sysroot: MLFLOW_CONTAINER,
    endpoint,
    credential: { kind: 'connectionString', connectionString: azurite.connectionString.replace(/BlobEndpoint=[^;]+/, `BlobEndpoint=${endpoint}`) },
    mlflowTrackingUri: `sqlite:///${dbFile}`,
  });
  workspaceId = info.id;
});

afterAll(async () => {
  await services?.close();
  await proxy?.close();
  await azurite?.stop();
  await rm(scratch, { recursive: true, force: true });
});

describe('MLflow usage', () => {
  it('counts each experiment\'s and run\'s artifacts and traces as the fixture holds them, deleted runs apart', async () => {
    const usage = await ok('mlflow.usage', { workspaceId });
    const experiments = rows('SELECT experiment_id, name, artifact_location, lifecycle_stage FROM experiments');
    const runs = rows('SELECT run_uuid, experiment_id, lifecycle_stage, artifact_uri FROM runs');
    const traceIds = new Set(rows('SELECT request_id FROM trace_info').map((r) => String(r.request_id)));
    expect(usage.experiments.map((e) => e.experimentId).sort()).toEqual(experiments.map((e) => String(e.experiment_id)).sort());
    expect(usage.runs.map((r) => r.runId).sort()).toEqual(runs.map((r) => String(r.run_uuid)).sort());

    let deletedSeen = 0;
    for (const e of experiments) {
      const id = String(e.experiment_id);
      const got = must(usage.experiments.find((x) => x.experimentId === id), `experiment ${id}`);
      const expRuns = runs.filter((r) => String(r.experiment_id) === id);
      const experimentDeleted = e.lifecycle_stage === 'deleted';
      const isDeleted = (r: Row) => experimentDeleted || r.lifecycle_stage === 'deleted';
      const sum = (list: Row[]) => list.map((r) => under(String(r.artifact_uri))).reduce((a, b) => ({ files: a.files + b.files, bytes: a.bytes + b.bytes }), { files: 0, bytes: 0 });
      const active = sum(expRuns.filter((r) => !isDeleted(r)));
      const deleted = sum(expRuns.filter(isDeleted));
      const location = String(e.artifact_location);
      const traces = location.startsWith('wasbs://') ? under(`${location}/traces`) : { files: 0, bytes: 0 };
      expect({ artifactFiles: got.artifactFiles, artifactBytes: got.artifactBytes, deletedFiles: got.deletedFiles, deletedBytes: got.deletedBytes }).toEqual({
        artifactFiles: active.files,
        artifactBytes: active.bytes,
        deletedFiles: deleted.files,
        deletedBytes: deleted.bytes,
      });
      expect({ files: got.traceFiles, bytes: got.traceBytes }).toEqual(traces);
      expect(got.runs).toBe(expRuns.length);
      expect(got.deletedRuns).toBe(expRuns.filter(isDeleted).length);
      // Azurite lists every blob in the Hot tier: all of the experiment's bytes are there.
      expect(got.tiers.reduce((s, t) => s + t.bytes, 0)).toBe(active.bytes + deleted.bytes + traces.bytes);
      // gc frees every deleted run's artifacts, and the traces whose row is gone (all of them in a deleted experiment).
      const orphanTraces = [...sizes].filter(([name, size]) => {
        if (!location.startsWith('wasbs://') || size < 0) return false;
        const prefix = `${fixtureBlobPrefix(location)}/traces/`;
        return name.startsWith(prefix) && (experimentDeleted || !traceIds.has(name.slice(prefix.length).split('/')[0]));
      });
      expect(got.gcBytes).toBe(deleted.bytes + orphanTraces.reduce((s, [, size]) => s + size, 0));
      expect(got.gcFiles).toBe(deleted.files + orphanTraces.length);
      deletedSeen += deleted.bytes;
    }
    // The fixture has deleted runs with artifacts, so the split is tested on real bytes.
    expect(deletedSeen).toBeGreaterThan(0);
    for (const r of usage.runs) {
      const row = must(runs.find((x) => x.run_uuid === r.runId), `run ${r.runId}`);
      expect({ files: r.files, bytes: r.bytes }).toEqual(under(String(row.artifact_uri)));
    }
    expect(usage.listedRuns).toBe(runs.length);
    expect(usage.cachedRuns).toBe(0);
    const runProgress = progress.filter((p) => p.phase === 'runs');
    expect(runProgress.at(-1)).toMatchObject({ done: runs.length, total: runs.length });
    expect(progress.at(-1)?.phase).toBe('done');
  });

  it('a second open lists only runs it has not seen, and runs still running', async () => {
    await ok('mlflow.usage', { workspaceId });
    // Two new ended runs, written as MLflow would: a row and artifacts under the experiment's folder.
    const template = rows(`SELECT * FROM runs WHERE lifecycle_stage = 'active' AND status = 'FINISHED' LIMIT 1`)[0];
    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(MLFLOW_CONTAINER);
    const added = new Map<string, number>();
    const newRuns = ['0a0a0a0a0a0a4a0a8a0a0a0a0a0a0a01', '0a0a0a0a0a0a4a0a8a0a0a0a0a0a0a02'];
    const db = new Database(dbFile);
    for (const [i, runId] of newRuns.entries()) {
      const uri = String(template.artifact_uri).replace(String(template.run_uuid), runId);
      db.prepare(`INSERT INTO runs (run_uuid, name, status, start_time, end_time, lifecycle_stage, artifact_uri, experiment_id, user_id, source_type, source_name, entry_point_name, source_version)
        SELECT ?, 'usage-new-' || ?, 'FINISHED', start_time, end_time, 'active', ?, experiment_id, user_id, source_type, source_name, entry_point_name, source_version FROM runs WHERE run_uuid = ?`).run(runId, i, uri, template.run_uuid);
      const name = `${fixtureBlobPrefix(uri)}/model/weights-${i}.bin`;
      const body = Buffer.alloc(1000 + i * 24, i);
      await container.getBlockBlobClient(name).uploadData(body);
      added.set(name, body.length);
    }
    db.close();

    const before = proxy.requests.length;
    const usage = await ok('mlflow.usage', { workspaceId });
    const running = rows(`SELECT run_uuid, artifact_uri FROM runs WHERE status IN ('RUNNING', 'SCHEDULED')`);
    const listedRunFolders = listedPrefixes(before).filter((p) => /\/artifacts\/$/.test(p));
    // The gc planner lists each deleted run's folder for its plan; the usage build itself lists only new and running runs.
    const gcFolders = rows(`SELECT r.artifact_uri FROM runs r JOIN experiments e USING (experiment_id) WHERE r.lifecycle_stage = 'deleted'`).map((r) => `${fixtureBlobPrefix(String(r.artifact_uri))}/`);
    const expected = [...newRuns.map((id) => `${fixtureBlobPrefix(String(template.artifact_uri).replace(String(template.run_uuid), id))}/`), ...running.map((r) => `${fixtureBlobPrefix(String(r.artifact_uri))}/`)];
    expect(listedRunFolders.filter((p) => !gcFolders.includes(p)).sort()).toEqual(expected.sort());
    expect(usage.listedRuns).toBe(newRuns.length + running.length);
    expect(usage.cachedRuns).toBe(rows('SELECT run_uuid FROM runs').length - usage.listedRuns);
    for (const runId of newRuns) {
      const got = must(usage.runs.find((r) => r.runId === runId), `run ${runId}`);
      expect({ files: got.files, bytes: got.bytes }).toEqual(under(String(template.artifact_uri).replace(String(template.run_uuid), runId), added));
    }
    const experiment = must(usage.experiments.find((e) => e.experimentId === String(template.experiment_id)), 'the experiment');
    const activeUris = rows(`SELECT artifact_uri FROM runs WHERE lifecycle_stage = 'active' AND experiment_id = ${Number(template.experiment_id)}`);
    expect(experiment.artifactBytes).toBe(activeUris.reduce((s, r) => s + under(String(r.artifact_uri), added).bytes, 0));
  });

  it('shows the bytes of a blob set to Archive in the Archive tier once the runs are listed again', async () => {
    const run = must(
      rows(`SELECT run_uuid, experiment_id, artifact_uri FROM runs WHERE lifecycle_stage = 'active' AND status = 'FINISHED'`).find((r) => under(String(r.artifact_uri)).files > 0),
      'a run with artifacts',
    );
    const prefix = `${fixtureBlobPrefix(String(run.artifact_uri))}/`;
    const [name, size] = must([...sizes].find(([n]) => n.startsWith(prefix)), 'an artifact');
    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(MLFLOW_CONTAINER);
    await container.getBlobClient(name).setAccessTier('Archive');
    const usage = await ok('mlflow.usage', { workspaceId, rescan: true });
    const got = must(usage.runs.find((r) => r.runId === run.run_uuid), 'the run');
    expect(got.tiers.find((t) => t.tier === 'Archive')).toEqual({ tier: 'Archive', files: 1, bytes: size });
    expect(must(usage.experiments.find((e) => e.experimentId === String(run.experiment_id)), 'the experiment').tiers.find((t) => t.tier === 'Archive')).toEqual({ tier: 'Archive', files: 1, bytes: size });
    expect(usage.cachedRuns).toBe(0);
  });
});
