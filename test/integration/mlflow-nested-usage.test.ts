import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdentityProvider } from '../../electron/azure/identity.js';
import { ArtifactRoots } from '../../electron/mlflow/artifact-roots.js';
import { FileStoreSource } from '../../electron/mlflow/sources/file-store.js';
import { summarizeRecords } from '../../electron/mlflow/tokens/aggregate.js';
import { recordsFromSource } from '../../electron/mlflow/tokens/source-records.js';
import { TokenAnalytics } from '../../electron/mlflow/tokens/token-analytics.js';
import { TraceCaches, type TraceFiles } from '../../electron/mlflow/trace-cache/trace-caches.js';
import type { TokensDayModel } from '../../shared/schemas/mlflow-tokens.js';
import { copyMlflowDb } from '../harness/mlflow-fixture.js';
import { buildFileStore, experimentDir } from '../harness/mlflow-file-store.js';

// Usage reported at several levels, through real sources: a copy of the shared fixture's database
// (real MLflow spans) where each trace's root span also reports the trace's usage (MLflow's stored
// total, as an agent span that sums its calls does) and, in traces with several calls, the last
// call names another model. The same traces as an MLflow 2 file store (traces.json with
// context.span_id and parent_id) go through the trace cache: its totals per day × model equal the
// sqlite store's, each call's tokens on its own model, counted once, summing to MLflow's stored
// totals and to the totals of reading every trace folder directly.

type Row = Record<string, unknown>;

const ALT = 'alt-model';

let scratch: string;
let dbFile: string;
let db: Database.Database;
let source: FileStoreSource;
let caches: TraceCaches;
let analytics: TokenAnalytics;
let experimentIds: string[];

const all = (sql: string, ...binds: unknown[]) => db.prepare(sql).all(...binds) as Row[];

const byDayModel = (rows: readonly TokensDayModel[]) => [...rows].sort((a, b) => (a.day !== b.day ? (a.day < b.day ? -1 : 1) : String(a.model) < String(b.model) ? -1 : 1));

/** Roots without usage report their trace's stored total; the last of several calls names another model. */
function nestUsage(): void {
  const traces = all("SELECT request_id, value FROM trace_request_metadata WHERE key = 'mlflow.trace.tokenUsage'");
  const setUsage = db.prepare(`UPDATE spans SET content = json_set(content, '$.attributes."mlflow.chat.tokenUsage"', ?) WHERE trace_id = ? AND span_id = ?`);
  const setModel = db.prepare(`UPDATE spans SET content = json_set(content, '$.attributes.model', ?) WHERE trace_id = ? AND span_id = ?`);
  for (const { request_id: id, value } of traces) {
    const spans = all(
      `SELECT span_id, parent_span_id, instr(content, '"mlflow.chat.tokenUsage"') > 0 AS uses FROM spans WHERE trace_id = ? ORDER BY start_time_unix_nano, span_id`,
      id,
    );
    const root = spans.find((s) => s.parent_span_id === null);
    if (!root || root.uses === 1) continue;
    const calls = spans.filter((s) => s.uses === 1);
    setUsage.run(value, id, root.span_id);
    if (calls.length >= 2) setModel.run(JSON.stringify(ALT), id, calls[calls.length - 1].span_id);
  }
}

/** Each trace's traces.json as MLflow 2 wrote it: context.span_id, parent_id (0x hex), start_time, end_time, status_code. */
async function writeMlflow2TraceJson(mlruns: string): Promise<void> {
  const spans = db.prepare(`
    SELECT json_group_array(json_object(
      'name', name,
      'context', json_object('span_id', '0x' || span_id, 'trace_id', '0x' || substr(trace_id, 4)),
      'parent_id', CASE WHEN parent_span_id IS NULL THEN NULL ELSE '0x' || parent_span_id END,
      'start_time', start_time_unix_nano, 'end_time', end_time_unix_nano,
      'status_code', status, 'status_message', '',
      'attributes', json_extract(content, '$.attributes'),
      'events', json_extract(content, '$.events')))
    FROM spans WHERE trace_id = ?`);
  for (const t of all('SELECT request_id, experiment_id FROM trace_info')) {
    const json = spans.pluck().get(t.request_id) as string;
    await writeFile(path.join(experimentDir(db, mlruns, t.experiment_id as number), 'traces', t.request_id as string, 'artifacts', 'traces.json'), `{"spans": ${json}}`);
  }
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'stratus-nested-usage-'));
  dbFile = await copyMlflowDb(scratch);
  db = new Database(dbFile);
  nestUsage();
  const mlruns = path.join(scratch, 'mlruns');
  await buildFileStore(db, mlruns);
  await writeMlflow2TraceJson(mlruns);
  source = new FileStoreSource(mlruns, mlruns, new ArtifactRoots({}, createIdentityProvider(), undefined));
  experimentIds = all('SELECT DISTINCT experiment_id FROM trace_info').map((r) => String(r.experiment_id));
  caches = new TraceCaches(path.join(scratch, 'trace-cache'));
  analytics = new TokenAnalytics(path.join(scratch, 'sqlite-cache'));
});

afterAll(async () => {
  await Promise.all([caches?.close(), analytics?.close()]);
  db?.close();
  await rm(scratch, { recursive: true, force: true });
});

describe('usage reported by a span and by the calls below it', () => {
  it('is counted once per call on the call’s model: the MLflow 2 file store’s cache equals the sqlite store and MLflow’s stored totals', async () => {
    const origin: TraceFiles = { scope: 'nested', uri: source.info.uri, files: source };
    const cached = await caches.summary(origin, { experimentIds }, []);
    const sqlite = (await analytics.summary(dbFile, { experimentIds })).parts;
    expect(byDayModel(cached.days)).toEqual(byDayModel(sqlite.days));
    // The split is by call: the renamed calls have their own model's share.
    expect(cached.models.find((m) => m.model === ALT)?.total).toBeGreaterThan(0);
    const stored = all("SELECT value FROM trace_request_metadata WHERE key = 'mlflow.trace.tokenUsage'").reduce(
      (n, r) => n + (JSON.parse(r.value as string) as { total_tokens: number }).total_tokens,
      0,
    );
    expect(cached.days.reduce((n, d) => n + d.total, 0)).toBe(stored);
    // Today's path, every trace folder read through the source's list: the same totals.
    const direct = summarizeRecords(await recordsFromSource(source, { experimentIds }), { experimentIds }, []);
    expect(cached.totals).toEqual(direct.totals);
  });
});
