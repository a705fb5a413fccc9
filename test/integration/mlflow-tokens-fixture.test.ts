import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../electron/services.js';
import { contract, type ArgsOf, type Channel, type ResultOf } from '../../shared/contract.js';
import type { StratusErrorShape } from '../../shared/errors.js';
import { parseStoredUsage } from '../../shared/token-usage.js';
import { copyMlflowDb, openFixtureDb } from '../harness/mlflow-fixture.js';

// Token analytics through the router the UI calls, on a copy of the shared fixture (mlflow.db
// written by MLflow 3.5). Every expectation is read from the fixture database: MLflow's own stored
// per-trace totals (mlflow.trace.tokenUsage), trace metadata and timestamps.

type Row = Record<string, unknown>;

let services: Services;
let scratch: string;
let fixture: Database.Database;
let workspaceId: string;

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

const all = (sql: string, ...binds: unknown[]) => fixture.prepare(sql).all(...binds) as Row[];
const experimentIds = () => all('SELECT DISTINCT experiment_id FROM trace_info').map((r) => String(r.experiment_id));

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'stratus-tokens-'));
  const dbFile = await copyMlflowDb(scratch);
  fixture = openFixtureDb();
  services = createServices({ env: {}, userDataDir: path.join(scratch, 'user-data') });
  // The user chose the scratch folder holding mlflow.db (in the app: an open dialog in main).
  await services.localAccess.grant(scratch);
  const info = await ok('workspace.open', { kind: 'local', path: scratch, mlflowTrackingUri: `sqlite:///${dbFile}` });
  workspaceId = info.id;
});

afterAll(async () => {
  fixture.close();
  await rm(scratch, { recursive: true, force: true });
});

describe('token usage of the MLflow fixture', () => {
  it("equals MLflow's stored total for every trace that has one, and the summary totals are their sum", async () => {
    const stored = all("SELECT request_id, value FROM trace_request_metadata WHERE key = 'mlflow.trace.tokenUsage'");
    expect(stored.length).toBeGreaterThan(0);
    const summary = await ok('mlflow.tokens.summary', { workspaceId, experimentIds: experimentIds(), topN: 100 });
    const computed = new Map(summary.topTraces.map((t) => [t.traceId, { input: t.input, output: t.output, total: t.total }]));
    for (const row of stored) expect(computed.get(String(row.request_id)), String(row.request_id)).toEqual(parseStoredUsage(row.value));
    // Traces without a stored total have no usage at all (retriever-only or failed before an LLM call).
    expect(computed.size).toBe(stored.length);
    const sum = (key: 'input' | 'output' | 'total') => [...computed.values()].reduce((a, u) => a + u[key], 0);
    expect(summary.totals).toEqual({
      input: sum('input'),
      output: sum('output'),
      total: sum('total'),
      traces: all('SELECT count(*) AS n FROM trace_info')[0].n,
      tracesWithUsage: stored.length,
    });
    expect(summary.mismatches).toEqual({ count: 0, traceIds: [] });
    // Groupings add up to the same totals.
    for (const groups of [summary.days, summary.models, summary.users, summary.sessions]) {
      expect(groups.reduce((a, g) => a + g.total, 0)).toBe(summary.totals.total);
    }
  });

  it('groups by the user and session MLflow recorded in the trace metadata', async () => {
    const summary = await ok('mlflow.tokens.summary', { workspaceId, experimentIds: experimentIds() });
    const users = new Map<string | null, number>();
    for (const row of all(`SELECT u.value AS user, t.value AS usage FROM trace_request_metadata t
        LEFT JOIN trace_request_metadata u ON u.request_id = t.request_id AND u.key = 'mlflow.trace.user'
        WHERE t.key = 'mlflow.trace.tokenUsage'`)) {
      const user = (row.user as string | null) ?? null;
      users.set(user, (users.get(user) ?? 0) + (parseStoredUsage(row.usage)?.total ?? 0));
    }
    expect(new Map(summary.users.map((u) => [u.user, u.total]))).toEqual(users);
  });

  it('keeps to one experiment and a time range', async () => {
    const [first] = all("SELECT experiment_id, min(timestamp_ms) AS lo, max(timestamp_ms) AS hi FROM trace_info t JOIN trace_request_metadata m ON m.request_id = t.request_id AND m.key = 'mlflow.trace.tokenUsage' GROUP BY experiment_id ORDER BY experiment_id");
    const from = Number(first.lo);
    const to = Math.floor((Number(first.lo) + Number(first.hi)) / 2);
    const want = all(
      "SELECT m.value FROM trace_info t JOIN trace_request_metadata m ON m.request_id = t.request_id AND m.key = 'mlflow.trace.tokenUsage' WHERE t.experiment_id = ? AND t.timestamp_ms >= ? AND t.timestamp_ms < ?",
      first.experiment_id,
      from,
      to,
    ).reduce((a, r) => a + (parseStoredUsage(r.value)?.total ?? 0), 0);
    const summary = await ok('mlflow.tokens.summary', { workspaceId, experimentIds: [String(first.experiment_id)], from, to });
    expect(summary.totals.total).toBe(want);
    expect(summary.days.every((d) => d.day >= new Date(from).toISOString().slice(0, 10) && d.day <= new Date(to).toISOString().slice(0, 10))).toBe(true);
  });

  it('prices models from the stored price table, which wins over the catalog', async () => {
    const before = await ok('mlflow.tokens.summary', { workspaceId, experimentIds: experimentIds() });
    const model = before.models[0];
    expect(model.model).not.toBeNull();
    await ok('mlflow.tokens.prices.set', { rows: [{ model: String(model.model), inputPer1M: 2, outputPer1M: 8 }] });
    const after = await ok('mlflow.tokens.summary', { workspaceId, experimentIds: experimentIds() });
    // No cached-input price in the row: cached prompt tokens cost the input price too.
    const cost = ((model.input - model.cacheInInput + model.cacheRead + model.cacheWrite) * 2 + model.output * 8) / 1e6;
    expect(after.models[0]).toMatchObject({ priceSource: 'override', priceModel: model.model });
    expect(after.models[0].cost).toBeCloseTo(cost, 9);
    const others = before.models.slice(1);
    expect(after.cost.total).toBeCloseTo(cost + others.reduce((sum, m) => sum + (m.cost ?? 0), 0), 9);
    expect(after.cost.unpricedModels).toEqual(others.filter((m) => m.priceSource === null).map((m) => m.model));
    await ok('mlflow.tokens.prices.set', { rows: [] });
  });
});

describe('the price table through the handlers', () => {
  it('round-trips, sorted by model, and replaces the whole table', async () => {
    expect(await ok('mlflow.tokens.prices.get', {})).toEqual({ rows: [] });
    const rows = [
      { model: 'gpt-4o-mini', inputPer1M: 0.15, outputPer1M: 0.6, cachedInputPer1M: 0.075, cacheWritePer1M: null },
      { model: 'claude-3-5-sonnet-20241022', inputPer1M: 3, outputPer1M: 15, cachedInputPer1M: 0.3, cacheWritePer1M: 3.75 },
      { model: 'free-local-model', inputPer1M: 0, outputPer1M: 0, cachedInputPer1M: null, cacheWritePer1M: null },
    ];
    const sorted = [...rows].sort((a, b) => (a.model < b.model ? -1 : 1));
    expect(await ok('mlflow.tokens.prices.set', { rows })).toEqual({ rows: sorted });
    expect(await ok('mlflow.tokens.prices.get', {})).toEqual({ rows: sorted });
    expect(await ok('mlflow.tokens.prices.set', { rows: [rows[0]] })).toEqual({ rows: [rows[0]] });
    // A fresh set of services over the same user data reads the same table (it lives on disk).
    const again = createServices({ env: {}, userDataDir: path.join(scratch, 'user-data') });
    const reply = await again.router.dispatch('mlflow.tokens.prices.get', {});
    expect(reply).toEqual({ ok: true, value: { rows: [rows[0]] } });
  });

  it.each([
    ['a negative price', { model: 'x', inputPer1M: -1, outputPer1M: 1 }, /must not be negative/],
    ['an infinite price', { model: 'x', inputPer1M: 1, outputPer1M: Infinity }, /finite|number/],
    ['NaN', { model: 'x', inputPer1M: Number.NaN, outputPer1M: 1 }, /number/],
    ['a price as text', { model: 'x', inputPer1M: '1', outputPer1M: 1 }, /number/],
    ['an empty model name', { model: '', inputPer1M: 1, outputPer1M: 1 }, /Model name must not be empty/],
    ['a model name with a line break', { model: 'gpt\n4o', inputPer1M: 1, outputPer1M: 1 }, /control characters/],
    ['a 201-character model name', { model: 'm'.repeat(201), inputPer1M: 1, outputPer1M: 1 }, /Model name is too long/],
    ['an extra field', { model: 'x', inputPer1M: 1, outputPer1M: 1, currency: 'EUR' }, /./],
  ])('refuses %s, keeping the table as it was', async (_what, row, message) => {
    const before = await ok('mlflow.tokens.prices.get', {});
    const error = await fails('mlflow.tokens.prices.set', { rows: [row] });
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(message);
    expect(await ok('mlflow.tokens.prices.get', {})).toEqual(before);
  });

  it('refuses two rows for one model', async () => {
    const error = await fails('mlflow.tokens.prices.set', { rows: [{ model: 'a', inputPer1M: 1, outputPer1M: 1 }, { model: 'a', inputPer1M: 2, outputPer1M: 2 }] });
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/only one price row/) });
  });
});

describe('summary arguments and sources', () => {
  it.each([
    ['no experiments', { experimentIds: [] }, /at least one experiment/],
    ['an experiment id with a slash', { experimentIds: ['1/../2'] }, /experiment id/],
    ['a range that ends before it starts', { experimentIds: ['1'], from: 2000, to: 1000 }, /before its end/],
    ['a fractional time', { experimentIds: ['1'], from: 1.5 }, /whole milliseconds/],
    ['topN 0', { experimentIds: ['1'], topN: 0 }, /topN must be at least 1/],
  ])('refuses %s', async (_what, args, message) => {
    const error = await fails('mlflow.tokens.summary', { workspaceId, ...args });
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(message);
  });

  it('says so when the MLflow database is gone', async () => {
    const gone = path.join(scratch, 'gone.db');
    const info = await ok('workspace.open', { kind: 'local', path: scratch, mlflowTrackingUri: `sqlite:///${gone}` });
    const error = await fails('mlflow.tokens.summary', { workspaceId: info.id, experimentIds: ['1'] });
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain(gone);
  });
});

describe('prices per saved workspace through the handlers', () => {
  /** Two saved workspaces on the same MLflow store, each connected: their own prices, one model. */
  async function savedPair() {
    const dbFile = path.join(scratch, 'mlflow.db');
    const save = (name: string) => ok('workspace.save', { config: { kind: 'local', name, path: scratch, mlflowTrackingUri: `sqlite:///${dbFile}` } });
    const [a, b] = [await save('Prices A'), await save('Prices B')];
    return [(await ok('workspace.connect', { id: a.id })).id, (await ok('workspace.connect', { id: b.id })).id];
  }

  it('two saved workspaces price the same model differently; a reset falls back to the app-wide price, then the catalog', async () => {
    const [a, b] = await savedPair();
    const before = await ok('mlflow.tokens.summary', { workspaceId: a, experimentIds: experimentIds() });
    const model = before.models.find((m) => m.model !== null);
    if (!model?.model) throw new Error('the fixture has no named model');
    const name = model.model;
    const costAt = (input: number, output: number) => ((model.input - model.cacheInInput + model.cacheRead + model.cacheWrite) * input + model.output * output) / 1e6;
    const rowOf = async (workspaceId: string) => (await ok('mlflow.tokens.summary', { workspaceId, experimentIds: experimentIds() })).models.find((m) => m.model === name);

    await ok('mlflow.tokens.prices.set', { rows: [{ model: name, inputPer1M: 5, outputPer1M: 5 }] });
    expect(await ok('mlflow.tokens.prices.workspace.set', { workspaceId: a, rows: [{ model: name, inputPer1M: 1, outputPer1M: 2 }] })).toMatchObject({ saved: true, rows: [{ model: name }] });
    await ok('mlflow.tokens.prices.workspace.set', { workspaceId: b, rows: [{ model: name, inputPer1M: 3, outputPer1M: 4 }] });
    const [rowA, rowB] = [await rowOf(a), await rowOf(b)];
    expect(rowA).toMatchObject({ priceSource: 'workspace' });
    expect(rowB).toMatchObject({ priceSource: 'workspace' });
    expect(rowA?.cost).toBeCloseTo(costAt(1, 2), 9);
    expect(rowB?.cost).toBeCloseTo(costAt(3, 4), 9);
    // The unsaved workspace opened above uses the app-wide price.
    expect(await rowOf(workspaceId)).toMatchObject({ priceSource: 'override' });

    await ok('mlflow.tokens.prices.workspace.set', { workspaceId: a, rows: [] });
    expect(await rowOf(a)).toMatchObject({ priceSource: 'override' });
    expect((await rowOf(a))?.cost).toBeCloseTo(costAt(5, 5), 9);
    await ok('mlflow.tokens.prices.set', { rows: [] });
    expect(await rowOf(a)).toMatchObject({ priceSource: model.priceSource === null ? null : 'catalog', cost: model.cost });
    expect(await rowOf(b)).toMatchObject({ priceSource: 'workspace' });
    await ok('mlflow.tokens.prices.workspace.set', { workspaceId: b, rows: [] });
  });

  it('an unsaved workspace has no prices of its own and cannot be given any', async () => {
    expect(await ok('mlflow.tokens.prices.workspace.get', { workspaceId })).toEqual({ saved: false, rows: [] });
    const error = await fails('mlflow.tokens.prices.workspace.set', { workspaceId, rows: [{ model: 'x', inputPer1M: 1, outputPer1M: 1 }] });
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/not saved/) });
  });

  it.each([
    ['a negative price', { workspaceId: '00000000-0000-4000-8000-000000000000', rows: [{ model: 'x', inputPer1M: -1, outputPer1M: 1 }] }],
    ['two rows for one model', { workspaceId: '00000000-0000-4000-8000-000000000000', rows: [{ model: 'a', inputPer1M: 1, outputPer1M: 1 }, { model: 'a', inputPer1M: 2, outputPer1M: 2 }] }],
    ['1001 rows', { workspaceId: '00000000-0000-4000-8000-000000000000', rows: Array.from({ length: 1001 }, (_, i) => ({ model: `m${i}`, inputPer1M: 1, outputPer1M: 1 })) }],
    ['a workspace id that is not an id', { workspaceId: '../x', rows: [] }],
  ])('refuses %s for workspace prices', async (_what, args) => {
    expect(await fails('mlflow.tokens.prices.workspace.set', args)).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
