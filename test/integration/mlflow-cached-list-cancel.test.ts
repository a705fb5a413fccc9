import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { traceQuery } from '../../electron/mlflow/queries.js';
import type { FileStoreSource } from '../../electron/mlflow/sources/file-store.js';
import { TraceCaches } from '../../electron/mlflow/trace-cache/trace-caches.js';
import { createServices, type Services } from '../../electron/services.js';
import type { ArgsOf, Channel, ResultOf } from '../../shared/contract.js';
import { openMlflowWorkspace } from '../harness/app-workspace.js';
import { callChannel } from '../harness/environment-workspace.js';
import { openFixtureDb } from '../harness/mlflow-fixture.js';
import { buildFileStore, writeTraceFolder } from '../harness/mlflow-file-store.js';

// Cancel on the Tokens page while a Traces listing's first page is bringing the trace cache up to
// date (a file store with a trace folder added since the last sync): the listing does not fail, it
// is answered as without the cache, new trace included. No timing: the sync is held at the file
// store's folder listing until the cancel has aborted it.

let scratch: string;
let fixture: Database.Database;
let services: Services;
let workspaceId: string;
let source: FileStoreSource;
let experimentIds: string[];
let held: string;

const ok = <C extends Channel>(channel: C, args: ArgsOf<C>): Promise<ResultOf<C>> => callChannel(services, channel, args);

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'stratus-list-cancel-'));
  fixture = openFixtureDb();
  held = fixture.prepare('SELECT request_id FROM trace_info ORDER BY timestamp_ms DESC LIMIT 1').pluck().get() as string;
  const mlruns = path.join(scratch, 'mlruns');
  await buildFileStore(fixture, mlruns, (id) => id !== held);
  services = createServices({ env: {}, userDataDir: scratch });
  await services.localAccess.grant(scratch);
  workspaceId = await openMlflowWorkspace(services, pathToFileURL(mlruns).href);
  source = (await services.workspaces.mlflow(workspaceId)) as FileStoreSource;
  experimentIds = (fixture.prepare('SELECT DISTINCT experiment_id FROM trace_info').pluck().all() as (string | number)[]).map(String);
  // The Tokens page's first sync: from now on the trace list is answered by the cache.
  await ok('mlflow.tokens.summary', { workspaceId, experimentIds });
  await writeTraceFolder(fixture, mlruns, held);
});

afterAll(async () => {
  vi.restoreAllMocks();
  await services?.close();
  fixture?.close();
  await rm(scratch, { recursive: true, force: true });
});

describe('a trace listing whose cache sync is cancelled', () => {
  it('falls back to the file store’s own listing, with the trace added since', async () => {
    let reached!: () => void;
    const atGate = new Promise<void>((resolve) => (reached = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const folders = source.traceFolders.bind(source);
    vi.spyOn(source, 'traceFolders').mockImplementationOnce(async (experimentId) => {
      reached();
      await gate;
      return folders(experimentId);
    });
    // The gate opens only once Cancel has aborted the running sync (cancel aborts before its first await).
    const cancel = TraceCaches.prototype.cancel;
    vi.spyOn(TraceCaches.prototype, 'cancel').mockImplementationOnce(function (this: TraceCaches, origin) {
      const done = cancel.call(this, origin);
      release();
      return done;
    });
    const args = { workspaceId, experimentIds, pageSize: 100 };
    const listing = ok('mlflow.traces', args);
    await atGate;
    expect(await ok('mlflow.tokens.cache.cancel', { workspaceId })).toEqual({ cancelled: true });
    const page = await listing;
    expect(page.traces.map((t) => t.traceId)).toContain(held);
    expect(page).toEqual(await source.traces(traceQuery(args)));
  });
});
