import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../electron/core/migrate.js';
import { summarizeRecords, type TraceUsageRecord } from '../../electron/mlflow/tokens/aggregate.js';
import { PRICE_MIGRATIONS, PriceStore } from '../../electron/mlflow/tokens/price-store.js';
import { spanUsageFromJson, traceUsage } from '../../electron/mlflow/tokens/trace-usage.js';
import { catalogPrice } from '../../shared/price-catalog.js';
import type { PriceRow } from '../../shared/schemas/mlflow-tokens.js';

// Prices per saved workspace: each saved workspace's own row wins over the app-wide table, which
// wins over the catalog; removing a row falls back a level; an unsaved workspace sees the
// app-wide rows only; a price database written before workspace prices keeps its rows.

const scratch = mkdtempSync(path.join(tmpdir(), 'stratus-workspace-prices-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const open: PriceStore[] = [];
afterEach(() => open.splice(0).forEach((s) => s.close()));

function store(file = path.join(scratch, `${randomUUID()}.sqlite`)): PriceStore {
  const s = new PriceStore(file);
  open.push(s);
  return s;
}

/** One trace with one chat span of `model` using a million input and a million output tokens. */
function trace(model: string): TraceUsageRecord {
  const span = spanUsageFromJson({
    span_id: 's',
    parent_span_id: null,
    attributes: {
      'mlflow.spanType': JSON.stringify('CHAT_MODEL'),
      model: JSON.stringify(model),
      'mlflow.chat.tokenUsage': JSON.stringify({ input_tokens: 1_000_000, output_tokens: 1_000_000, total_tokens: 2_000_000 }),
    },
  });
  const { usage, byModel } = traceUsage([span]);
  return { traceId: `t-${model}`, experimentId: '1', name: null, timestamp: Date.UTC(2026, 0, 1), user: null, session: null, usage, byModel, stored: null, durationMs: 1, status: 'OK' };
}

const costOf = (model: string, prices: readonly PriceRow[]) => summarizeRecords([trace(model)], { experimentIds: ['1'] }, prices).models[0];

const MODEL = 'gpt-4o';
const catalog = catalogPrice(MODEL);

describe('per-workspace prices', () => {
  it('two saved workspaces price the same model differently, each over the app-wide price', () => {
    const prices = store();
    const [a, b] = [randomUUID(), randomUUID()];
    prices.set([{ model: MODEL, inputPer1M: 7, outputPer1M: 7 }]);
    prices.setWorkspace(a, [{ model: MODEL, inputPer1M: 1, outputPer1M: 2 }]);
    prices.setWorkspace(b, [{ model: MODEL, inputPer1M: 3, outputPer1M: 4, cachedInputPer1M: 0.5 }]);

    expect(costOf(MODEL, prices.effective(a))).toMatchObject({ cost: 3, priceSource: 'workspace' });
    expect(costOf(MODEL, prices.effective(b))).toMatchObject({ cost: 7, priceSource: 'workspace' });
    expect(prices.getWorkspace(b)).toEqual([{ model: MODEL, inputPer1M: 3, outputPer1M: 4, cachedInputPer1M: 0.5, cacheWritePer1M: null }]);
    // A saved workspace without rows of its own, and an unsaved one, use the app-wide price.
    expect(costOf(MODEL, prices.effective(randomUUID()))).toMatchObject({ cost: 14, priceSource: 'override' });
    expect(costOf(MODEL, prices.effective(undefined))).toMatchObject({ cost: 14, priceSource: 'override' });
  });

  it('resetting a workspace price falls back to the app-wide price, then to the catalog; an unknown model stays unpriced', () => {
    expect(catalog).not.toBeNull();
    const prices = store();
    const ws = randomUUID();
    prices.set([{ model: MODEL, inputPer1M: 7, outputPer1M: 7 }]);
    prices.setWorkspace(ws, [
      { model: MODEL, inputPer1M: 1, outputPer1M: 1 },
      { model: 'my-finetune', inputPer1M: 2, outputPer1M: 2 },
    ]);
    expect(costOf('my-finetune', prices.effective(ws))).toMatchObject({ cost: 4, priceSource: 'workspace' });

    prices.setWorkspace(ws, [{ model: 'my-finetune', inputPer1M: 2, outputPer1M: 2 }]);
    expect(costOf(MODEL, prices.effective(ws))).toMatchObject({ cost: 14, priceSource: 'override' });

    prices.set([]);
    expect(costOf(MODEL, prices.effective(ws))).toMatchObject({ cost: (catalog?.inputPer1M ?? NaN) + (catalog?.outputPer1M ?? NaN), priceSource: 'catalog' });

    prices.setWorkspace(ws, []);
    const summary = summarizeRecords([trace('my-finetune')], { experimentIds: ['1'] }, prices.effective(ws));
    expect(summary.models[0]).toMatchObject({ cost: null, priceSource: null });
    expect(summary.cost).toMatchObject({ total: null, unpricedModels: ['my-finetune'] });
  });

  it('a workspace write leaves the app-wide table and the other workspaces alone', () => {
    const prices = store();
    const [a, b] = [randomUUID(), randomUUID()];
    prices.set([{ model: 'x', inputPer1M: 1, outputPer1M: 1 }]);
    prices.setWorkspace(a, [{ model: 'x', inputPer1M: 2, outputPer1M: 2 }]);
    prices.setWorkspace(b, [{ model: 'y', inputPer1M: 3, outputPer1M: 3 }]);
    prices.setWorkspace(a, []);
    expect(prices.get().map((r) => r.model)).toEqual(['x']);
    expect(prices.getWorkspace(b).map((r) => r.model)).toEqual(['y']);
    expect(prices.getWorkspace(a)).toEqual([]);
  });

  it('a price database from before workspace prices keeps its rows and gains workspace prices, which outlive a reopen', () => {
    const file = path.join(scratch, 'v2.sqlite');
    const old = new Database(file);
    migrate(old, { name: 'test prices' }, file, PRICE_MIGRATIONS.slice(0, 2));
    old.prepare('INSERT INTO prices (model, input_per_1m, output_per_1m, cached_input_per_1m, cache_write_per_1m) VALUES (?, ?, ?, ?, ?)').run('my-model', 1.5, 6, 0.3, null);
    old.close();

    const ws = randomUUID();
    const first = store(file);
    expect(first.get()).toEqual([{ model: 'my-model', inputPer1M: 1.5, outputPer1M: 6, cachedInputPer1M: 0.3, cacheWritePer1M: null }]);
    expect(first.getWorkspace(ws)).toEqual([]);
    first.setWorkspace(ws, [{ model: 'my-model', inputPer1M: 1, outputPer1M: 1 }]);
    first.close();

    const again = store(file);
    expect(again.effective(ws)).toEqual([{ model: 'my-model', inputPer1M: 1, outputPer1M: 1, cachedInputPer1M: null, cacheWritePer1M: null, workspace: true }]);
    expect(again.get()).toHaveLength(1);
  });
});
