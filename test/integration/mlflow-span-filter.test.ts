import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceFilter } from '../../shared/schemas/mlflow.js';
import { traceQuery } from '../../electron/mlflow/queries.js';
import type { MlflowSource } from '../../electron/mlflow/source.js';
import { RestSource } from '../../electron/mlflow/sources/rest.js';
import type { SqliteSource } from '../../electron/mlflow/sources/sqlite.js';
import { startKitTraceStore, type KitTraceStore } from '../harness/kit-trace-store.js';
import { mlflowKitMissing } from '../harness/mlflow-server.js';
import type { RequestLogProxy } from '../harness/request-log-proxy.js';

// Trace filters on span fields (name, type, model, status: one span meeting them all) against the
// kit's real tracking server and the sqlite store it serves: both list exactly the traces the
// store's spans say, read here straight from MLflow's spans table.

const missing = mlflowKitMissing();
if (missing) console.warn(`Skipping the span filter tests against a real MLflow server: ${missing}`);

const TRACES = 80;

interface StoredSpan {
  traceId: string;
  name: string;
  type: string | null;
  status: string;
  model: string | null;
}

let store: KitTraceStore;
let proxy: RequestLogProxy;
let experimentIds: string[];
let spans: StoredSpan[];
let sqlite: SqliteSource;
let rest: RestSource;

/** A span's model as the store has it: the JSON-encoded `model` attribute, else the request's `model`. */
function modelOf(content: string): string | null {
  const attributes = (JSON.parse(content) as { attributes: Record<string, string> }).attributes;
  if (attributes.model !== undefined) return JSON.parse(attributes.model) as string;
  const inputs = attributes['mlflow.spanInputs'] === undefined ? null : (JSON.parse(attributes['mlflow.spanInputs']) as unknown);
  return inputs !== null && typeof inputs === 'object' && typeof (inputs as { model?: unknown }).model === 'string' ? (inputs as { model: string }).model : null;
}

function expected(test: (s: StoredSpan) => boolean): string[] {
  return [...new Set(spans.filter(test).map((s) => s.traceId))].sort();
}

async function listed(source: MlflowSource, filter: TraceFilter): Promise<string[]> {
  const ids: string[] = [];
  let pageToken: string | undefined;
  do {
    const page = await source.traces(traceQuery({ experimentIds, filter, pageSize: 25, pageToken }));
    ids.push(...page.traces.map((t) => t.traceId));
    pageToken = page.nextPageToken ?? undefined;
  } while (pageToken !== undefined);
  return ids.sort();
}

describe.skipIf(missing !== null)('trace filters on span fields against a real MLflow tracking server', () => {
  beforeAll(async () => {
    store = await startKitTraceStore('spans', TRACES, { experiments: 1, seed: 31, days: 3 });
    ({ proxy, experimentIds, sqlite } = store);
    const db = new Database(store.dbFile, { readonly: true });
    spans = (db.prepare('SELECT trace_id, name, type, status, content FROM spans').all() as { trace_id: string; name: string; type: string | null; status: string; content: string }[]).map(
      (r) => ({ traceId: r.trace_id, name: r.name, type: r.type, status: r.status, model: modelOf(r.content) }),
    );
    db.close();
    rest = new RestSource(proxy.uri, {});
  }, 300_000);

  afterAll(async () => {
    await store?.close();
  }, 60_000);

  const cases: { title: string; filter: TraceFilter; test: (s: StoredSpan) => boolean }[] = [
    { title: 'type and model pattern', filter: { span: { type: 'CHAT_MODEL', model: 'gpt-4%' } }, test: (s) => s.type === 'CHAT_MODEL' && s.model !== null && s.model.startsWith('gpt-4') },
    { title: 'type in another case, model prefix', filter: { span: { type: 'chat_model', model: 'CLAUDE%' } }, test: (s) => s.type === 'CHAT_MODEL' && s.model !== null && s.model.startsWith('claude') },
    { title: 'failed tool spans', filter: { span: { type: 'TOOL', status: 'ERROR' } }, test: (s) => s.type === 'TOOL' && s.status === 'ERROR' },
    { title: 'a name pattern (sent to the server)', filter: { span: { name: 'Completions%' } }, test: (s) => s.name.startsWith('Completions') },
    { title: 'one span must meet every condition', filter: { span: { type: 'TOOL', model: 'gpt-4o' } }, test: (s) => s.type === 'TOOL' && s.model === 'gpt-4o' },
  ];
  const withState: TraceFilter = { states: ['OK'], span: { model: 'gpt-4o-mini' } };

  it.each(cases)('lists the same traces from the server and the sqlite store: $title', async ({ filter, test }) => {
    const want = expected(test);
    expect(await listed(sqlite, filter)).toEqual(want);
    expect(await listed(rest, filter)).toEqual(want);
  }, 120_000);

  it('narrows by the span fields and by the trace state together', async () => {
    const withSpan = await listed(sqlite, { span: { model: 'gpt-4o-mini' } });
    const ok = await listed(sqlite, { states: ['OK'] });
    const both = await listed(sqlite, withState);
    expect(both.length).toBeGreaterThan(0);
    expect(both).toEqual(withSpan.filter((id) => ok.includes(id)));
    expect(await listed(rest, withState)).toEqual(both);
  }, 120_000);

  it('finds something for the realistic filters, and nothing where no single span matches', async () => {
    expect(expected(cases[0].test).length).toBeGreaterThan(0);
    expect(expected(cases[2].test).length).toBeGreaterThan(0);
    expect(expected(cases[4].test)).toEqual([]);
    // Traces do hold a TOOL span and a gpt-4o span, only never the same one.
    const tool = new Set(expected((s) => s.type === 'TOOL'));
    expect(expected((s) => s.model === 'gpt-4o').some((id) => tool.has(id))).toBe(true);
  });

  it('sends the span name to the server, which narrows the listing there', async () => {
    const mark = proxy.requests.length;
    await listed(rest, { span: { name: 'Completions%' } });
    const bodies = proxy.requests
      .slice(mark)
      .filter((r) => r.url.startsWith('/api/3.0/mlflow/traces/search'))
      .map((r) => JSON.parse(r.body) as { filter?: string });
    expect(bodies.length).toBeGreaterThan(0);
    expect(bodies.every((b) => b.filter === "span.name ILIKE 'Completions%'")).toBe(true);
  }, 120_000);
});
