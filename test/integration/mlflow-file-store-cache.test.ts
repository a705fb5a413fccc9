import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mlflowTokensCommand } from '../../electron/cli/mlflow-tokens-command.js';
import { createServices, type Services } from '../../electron/services.js';
import type { ArgsOf, Channel, ResultOf } from '../../shared/contract.js';
import type { TokensDayModel, TokensLatency, TokensSummary } from '../../shared/schemas/mlflow-tokens.js';
import type { FileStoreSource } from '../../electron/mlflow/sources/file-store.js';
import { summarizeRecords } from '../../electron/mlflow/tokens/aggregate.js';
import { recordsFromSource } from '../../electron/mlflow/tokens/source-records.js';
import { TokenAnalytics } from '../../electron/mlflow/tokens/token-analytics.js';
import { SyncCancelled } from '../../electron/mlflow/trace-cache/rest-sync.js';
import { TraceCaches, type TraceFiles } from '../../electron/mlflow/trace-cache/trace-caches.js';
import { copyMlflowDb, openFixtureDb } from '../harness/mlflow-fixture.js';
import { buildFileStore, writeTraceFolder } from '../harness/mlflow-file-store.js';
import { openMlflowWorkspace } from '../harness/app-workspace.js';
import { callChannel } from '../harness/environment-workspace.js';

// An MLflow file store (mlruns/, made from the shared fixture's database, which real MLflow wrote)
// through the trace cache: the totals per day × model equal reading every trace folder and the
// sqlite store holding the same traces; a later sync reads only the folders added; a cancelled
// first sync resumes; a corrupt or missing traces.json is that trace's note.

type Row = Record<string, unknown>;

/** Traces whose folders are written only after the first sync. */
const ADDED = 10;

let scratch: string;
let mlruns: string;
let fixture: Database.Database;
let dbCopy: string;
let services: Services;
let workspaceId: string;
let source: FileStoreSource;
let caches: TraceCaches;
let analytics: TokenAnalytics;
let experimentIds: string[];
let added: string[];

const all = (sql: string, ...binds: unknown[]) => fixture.prepare(sql).all(...binds) as Row[];

const ok = <C extends Channel>(channel: C, args: ArgsOf<C>): Promise<ResultOf<C>> => callChannel(services, channel, args);

const byDayModel = (rows: readonly TokensDayModel[]) =>
  [...rows].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : String(a.model) < String(b.model) ? -1 : String(a.model) > String(b.model) ? 1 : 0));

/** Every trace's folder in the store, for a test that compares with the whole sqlite store whichever ran before it. */
async function writeAddedFolders(): Promise<void> {
  for (const id of added) await writeTraceFolder(fixture, mlruns, id);
}

const origin = (scope: string): TraceFiles => ({ scope, uri: source.info.uri, files: source });

/** Today's path before the cache: every trace folder read through the source's trace list. */
async function everyTraceDays(): Promise<TokensDayModel[]> {
  return byDayModel(summarizeRecords(await recordsFromSource(source, { experimentIds }), { experimentIds }, []).days);
}

/** The same traces in the sqlite store (the fixture's database), summarized by its own token cache. */
async function sqliteDays(): Promise<TokensDayModel[]> {
  return byDayModel((await analytics.summary(dbCopy, { experimentIds })).parts.days);
}

async function cachedDays(scope: string): Promise<TokensDayModel[]> {
  return byDayModel((await caches.summary(origin(scope), { experimentIds }, [], { synced: true })).days);
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'stratus-mlruns-cache-'));
  mlruns = path.join(scratch, 'mlruns');
  fixture = openFixtureDb();
  dbCopy = await copyMlflowDb(scratch);
  added = all('SELECT request_id FROM trace_info ORDER BY timestamp_ms DESC LIMIT ?', ADDED).map((r) => r.request_id as string);
  await buildFileStore(fixture, mlruns, (id) => !added.includes(id));
  services = createServices({ env: {}, userDataDir: scratch });
  await services.localAccess.grant(scratch);
  workspaceId = await openMlflowWorkspace(services, pathToFileURL(mlruns).href);
  source = (await services.workspaces.mlflow(workspaceId)) as FileStoreSource;
  caches = new TraceCaches(path.join(scratch, 'direct'));
  analytics = new TokenAnalytics(path.join(scratch, 'sqlite-cache'));
  experimentIds = all('SELECT DISTINCT experiment_id FROM trace_info').map((r) => String(r.experiment_id));
});

afterAll(async () => {
  await caches?.close();
  await analytics?.close();
  await services?.close();
  fixture?.close();
  await rm(scratch, { recursive: true, force: true });
});

describe('MLflow file store through the trace cache', () => {
  it('a first sync cancelled midway resumes, reading only the folders it had not stored, and ends with the totals of reading every trace', async () => {
    const total = all('SELECT count(*) AS n FROM trace_info').map((r) => r.n as number)[0] - ADDED;
    const abort = new AbortController();
    const progress: number[] = [];
    await expect(
      caches.sync(origin('resume'), experimentIds, {
        pageSize: 4,
        signal: abort.signal,
        onProgress: (p) => {
          progress.push(p.listed);
          abort.abort();
        },
      }),
    ).rejects.toBeInstanceOf(SyncCancelled);
    expect(progress).toEqual([4]);
    const stored = (await caches.counts(origin('resume'))).traces;
    expect(stored).toBe(4);
    expect((await caches.sync(origin('resume'), experimentIds, { pageSize: 4 })).listed).toBe(total - stored);
    expect((await caches.counts(origin('resume'))).traces).toBe(total);
    const days = await cachedDays('resume');
    expect(days.length).toBeGreaterThan(1);
    expect(days).toEqual(await everyTraceDays());
  });

  it('a later sync reads only the trace folders added since, and then gives the sqlite store’s totals per day × model', async () => {
    const scope = 'incremental';
    await caches.sync(origin(scope), experimentIds);
    expect((await caches.sync(origin(scope), experimentIds)).listed).toBe(0);
    // An old folder's traces.json turned unreadable is not read again: its cached spans stand.
    const old = all('SELECT request_id, experiment_id FROM trace_info ORDER BY timestamp_ms LIMIT 1')[0];
    const oldJson = path.join(mlruns, String(old.experiment_id), 'traces', old.request_id as string, 'artifacts', 'traces.json');
    await writeFile(oldJson, '{ broken');
    await writeAddedFolders();
    expect((await caches.sync(origin(scope), experimentIds)).listed).toBe(ADDED);
    expect(await caches.spanProblems(origin(scope), experimentIds)).toEqual([]);
    const sqlite = await sqliteDays();
    expect(sqlite.length).toBeGreaterThan(1);
    expect(await cachedDays(scope)).toEqual(sqlite);
    await writeTraceFolder(fixture, mlruns, old.request_id as string);
  });

  it('a later sync reads again a trace that was IN_PROGRESS, once it finished', async () => {
    await writeAddedFolders();
    const scope = 'in-progress';
    const t = all("SELECT request_id, experiment_id FROM trace_info WHERE status = 'OK' ORDER BY timestamp_ms DESC LIMIT 1")[0];
    const dir = path.join(mlruns, String(t.experiment_id), 'traces', t.request_id as string);
    // As MLflow leaves a trace while it runs: IN_PROGRESS, no traces.json yet.
    const info = await readFile(path.join(dir, 'trace_info.yaml'), 'utf8');
    await writeFile(path.join(dir, 'trace_info.yaml'), info.replace(/^state: OK$/m, 'state: IN_PROGRESS'));
    await rm(path.join(dir, 'artifacts', 'traces.json'));
    await caches.sync(origin(scope), experimentIds);
    expect(await cachedDays(scope)).not.toEqual(await sqliteDays());
    await writeTraceFolder(fixture, mlruns, t.request_id as string);
    expect((await caches.sync(origin(scope), experimentIds)).listed).toBe(1);
    expect(await cachedDays(scope)).toEqual(await sqliteDays());
  });

  it('a corrupt or missing traces.json is a note on that trace; its stored total still counts', async () => {
    const scope = 'corrupt';
    const [broken, gone] = all(
      "SELECT t.request_id, t.experiment_id FROM trace_info t JOIN trace_request_metadata m ON m.request_id = t.request_id AND m.key = 'mlflow.trace.tokenUsage' ORDER BY t.timestamp_ms LIMIT 2",
    );
    const json = (r: Row) => path.join(mlruns, String(r.experiment_id), 'traces', r.request_id as string, 'artifacts', 'traces.json');
    await writeFile(json(broken), '{"spans": [');
    await rm(json(gone));
    try {
      await caches.sync(origin(scope), experimentIds);
      const problems = await caches.spanProblems(origin(scope), experimentIds);
      expect(new Map(problems.map((p) => [p.traceId, p.problem]))).toEqual(
        new Map([
          [broken.request_id, expect.stringMatching(/traces\.json is not valid JSON/)],
          [gone.request_id, expect.stringMatching(/Could not read traces\.json/)],
        ]),
      );
      expect(await caches.status(origin(scope))).toMatchObject({ unreadable: 2, problems: expect.arrayContaining(problems) });
      const summary = await caches.summary(origin(scope), { experimentIds }, [], { synced: true });
      const stored = all("SELECT value FROM trace_request_metadata WHERE key = 'mlflow.trace.tokenUsage' AND request_id IN (?, ?)", broken.request_id, gone.request_id);
      const unknown = summary.models.find((m) => m.model === null);
      expect(unknown?.total).toBe(stored.reduce((n, r) => n + (JSON.parse(r.value as string) as { total_tokens: number }).total_tokens, 0));
    } finally {
      await writeTraceFolder(fixture, mlruns, broken.request_id as string);
      await writeTraceFolder(fixture, mlruns, gone.request_id as string);
    }
  });

  it('the workspace’s token summary, latency, Prompts view and cache status come from the cache, and Clear cache forgets it', async () => {
    await writeAddedFolders();
    const total = all('SELECT count(*) AS n FROM trace_info').map((r) => r.n as number)[0];
    const summary = await ok('mlflow.tokens.summary', { workspaceId, experimentIds });
    expect(byDayModel(summary.days)).toEqual(await sqliteDays());
    expect(summary.totals.traces).toBe(total);
    const status = await ok('mlflow.tokens.cache.status', { workspaceId });
    expect(status).toMatchObject({ syncing: false, traces: total, spansPending: 0 });
    const latency = await ok('mlflow.tokens.latency', { workspaceId, experimentIds });
    const { spansPending, ...figures } = latency;
    expect(spansPending).toBe(0);
    expect(figures.spanTypes.length).toBeGreaterThan(1);
    expect(figures).toEqual((await analytics.latency(dbCopy, { experimentIds })).latency);
    const prompts = await ok('mlflow.prompts', { workspaceId, experimentIds });
    const sqlitePrompts = await caches.sqlitePrompts(dbCopy, experimentIds, []);
    expect(prompts.prompts.map((g) => [g.key, g.traces])).toEqual(sqlitePrompts.prompts.map((g) => [g.key, g.traces]));
    expect(await ok('mlflow.tokens.cache.clear', { workspaceId })).toEqual({ applicable: true, traces: total });
    expect(await ok('mlflow.tokens.cache.status', { workspaceId })).toMatchObject({ traces: 0 });
  });

  it('the CLI (stratus mlflow tokens) syncs a file store into its cache and prints the sqlite store’s totals and span latency', async () => {
    await writeAddedFolders();
    const saved = process.env.STRATUS_USER_DATA;
    process.env.STRATUS_USER_DATA = path.join(scratch, 'cli-user-data');
    let out = '';
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    const progress = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await mlflowTokensCommand(['--tracking-uri', mlruns, '--all-experiments', '--json']);
    } finally {
      write.mockRestore();
      progress.mockRestore();
      if (saved === undefined) delete process.env.STRATUS_USER_DATA;
      else process.env.STRATUS_USER_DATA = saved;
    }
    const printed = JSON.parse(out) as TokensSummary & { latency: TokensLatency };
    expect(byDayModel(printed.days)).toEqual(await sqliteDays());
    const { spansPending, ...latency } = printed.latency;
    expect(spansPending).toBe(0);
    expect(latency).toEqual((await analytics.latency(dbCopy, { experimentIds })).latency);
  });
});
