import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { CACHE_MIGRATIONS } from '../../electron/mlflow/tokens/cache-migrations.js';
import { spanUsageFromJson, traceUsage, type ModelUsage } from '../../electron/mlflow/tokens/trace-usage.js';
import { UsageCache } from '../../electron/mlflow/tokens/usage-cache.js';
import { TraceCacheDb } from '../../electron/mlflow/trace-cache/cache-db.js';
import { TRACE_CACHE_MIGRATIONS } from '../../electron/mlflow/trace-cache/migrations.js';
import { spanFacts } from '../../electron/mlflow/trace-cache/span-rows.js';

// A trace's tokens per model when usage is reported at several levels (a chain or agent span that
// sums its children, as LangChain, OpenAI-agents autologging and MLflow 3 write them): each model
// gets the usage of its own calls, counted once, and the models sum to MLflow's stored total, the
// same from MLflow 3 span JSON (base64 span_id, parent_span_id), MLflow 2's (context.span_id,
// parent_id, 0x hex) and the sqlite store's span rows (hex id columns).

interface Node {
  name: string;
  parent: string | null;
  type: string;
  model?: string;
  /** [input, output]; total is their sum. */
  usage?: [number, number];
}

const hexOf = (nodes: readonly Node[], name: string) => (nodes.findIndex((n) => n.name === name) + 1).toString(16).padStart(16, 'c');
const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
const START = 1_763_900_000_000_000_000;

function attributes(n: Node): Record<string, string> {
  const out: Record<string, string> = { 'mlflow.spanType': JSON.stringify(n.type), 'mlflow.spanInputs': JSON.stringify({ messages: [] }) };
  if (n.model) out.model = JSON.stringify(n.model);
  if (n.usage) out['mlflow.chat.tokenUsage'] = JSON.stringify({ input_tokens: n.usage[0], output_tokens: n.usage[1], total_tokens: n.usage[0] + n.usage[1] });
  return out;
}

/** As MLflow 3 writes a span (spans.content, traces.json, get-trace-artifact). */
function mlflow3(nodes: readonly Node[]): Record<string, unknown>[] {
  return nodes.map((n, i) => ({
    trace_id: b64('0af7651916cd43dd8448eb211c80319c'),
    span_id: b64(hexOf(nodes, n.name)),
    parent_span_id: n.parent === null ? null : b64(hexOf(nodes, n.parent)),
    name: n.name,
    start_time_unix_nano: START + i * 1000,
    end_time_unix_nano: START + 10_000_000,
    status: { code: 'STATUS_CODE_OK', message: '' },
    attributes: attributes(n),
    events: [],
  }));
}

/** As MLflow 2 writes a span in traces.json. */
function mlflow2(nodes: readonly Node[]): Record<string, unknown>[] {
  return nodes.map((n, i) => ({
    name: n.name,
    context: { span_id: `0x${hexOf(nodes, n.name)}`, trace_id: '0x0af7651916cd43dd8448eb211c80319c' },
    parent_id: n.parent === null ? null : `0x${hexOf(nodes, n.parent)}`,
    start_time: START + i * 1000,
    end_time: START + 10_000_000,
    status_code: 'OK',
    status_message: '',
    attributes: attributes(n),
    events: [],
  }));
}

/** As the sqlite paths read them: the JSON's usage, the ids from the spans table's hex columns. */
function sqliteRows(nodes: readonly Node[]) {
  return mlflow3(nodes).map((json, i) => ({
    ...spanUsageFromJson(json),
    spanId: hexOf(nodes, nodes[i].name),
    parentId: nodes[i].parent === null ? null : hexOf(nodes, nodes[i].parent as string),
  }));
}

const totals = (byModel: readonly ModelUsage[]) => new Map(byModel.map((m) => [m.model, [m.input, m.output, m.total]]));

/** Every source's per-model split of the same trace. */
function splits(nodes: readonly Node[]) {
  return {
    mlflow3: spanFacts(mlflow3(nodes)),
    mlflow2: spanFacts(mlflow2(nodes)),
    sqlite: traceUsage(sqliteRows(nodes)),
  };
}

function expectSplit(nodes: readonly Node[], stored: [number, number], byModel: Map<string | null, [number, number]>): void {
  const want = new Map([...byModel].map(([model, [input, output]]) => [model, [input, output, input + output]]));
  for (const [shape, result] of Object.entries(splits(nodes))) {
    expect({ shape, byModel: totals(result.byModel) }).toEqual({ shape, byModel: want });
    expect({ shape, usage: result.usage }).toEqual({ shape, usage: { input: stored[0], output: stored[1], total: stored[0] + stored[1] } });
    const sum = result.byModel.reduce((n, m) => n + m.total, 0);
    expect({ shape, sum }).toEqual({ shape, sum: stored[0] + stored[1] });
  }
}

describe('a trace\u2019s tokens per model with usage at several levels', () => {
  it('a chain span summing two LLM calls on different models: each model gets its call, the chain nothing more', () => {
    const nodes: Node[] = [
      { name: 'chain', parent: null, type: 'CHAIN', usage: [300, 70] },
      { name: 'gpt', parent: 'chain', type: 'CHAT_MODEL', model: 'gpt-4o', usage: [100, 30] },
      { name: 'tool', parent: 'chain', type: 'TOOL' },
      { name: 'claude', parent: 'tool', type: 'CHAT_MODEL', model: 'claude-3-5-sonnet-20241022', usage: [200, 40] },
    ];
    expectSplit(nodes, [300, 70], new Map([['gpt-4o', [100, 30]], ['claude-3-5-sonnet-20241022', [200, 40]]]));
  });

  it('a parent with usage and none below: the parent counts, on its model', () => {
    const nodes: Node[] = [
      { name: 'agent', parent: null, type: 'AGENT', model: 'gpt-4o-mini', usage: [50, 5] },
      { name: 'tool', parent: 'agent', type: 'TOOL' },
      { name: 'search', parent: 'agent', type: 'RETRIEVER' },
    ];
    expectSplit(nodes, [50, 5], new Map([['gpt-4o-mini', [50, 5]]]));
  });

  it('deep nesting: an agent over a chain over an LLM wrapper over its call, beside calls at each level', () => {
    const nodes: Node[] = [
      { name: 'agent', parent: null, type: 'AGENT', usage: [1000, 200] },
      { name: 'chain', parent: 'agent', type: 'CHAIN', usage: [600, 120] },
      { name: 'wrapper', parent: 'chain', type: 'LLM', model: 'gpt-4o', usage: [400, 80] },
      { name: 'call', parent: 'wrapper', type: 'CHAT_MODEL', model: 'gpt-4o', usage: [400, 80] },
      { name: 'claude', parent: 'chain', type: 'CHAT_MODEL', model: 'claude-3-haiku', usage: [200, 40] },
      { name: 'gemini', parent: 'agent', type: 'CHAT_MODEL', model: 'gemini-1.5-pro', usage: [400, 80] },
    ];
    expectSplit(nodes, [1000, 200], new Map([['gpt-4o', [400, 80]], ['claude-3-haiku', [200, 40]], ['gemini-1.5-pro', [400, 80]]]));
  });

  it('a span reporting less than the spans below it keeps its own usage whole, as MLflow\u2019s total counts it', () => {
    const nodes: Node[] = [
      { name: 'agent', parent: null, type: 'AGENT', model: 'gpt-4o', usage: [10, 2] },
      { name: 'call', parent: 'agent', type: 'CHAT_MODEL', model: 'claude-3-haiku', usage: [100, 20] },
    ];
    expectSplit(nodes, [10, 2], new Map([['gpt-4o', [10, 2]]]));
  });

  it('a span reporting more than the spans below keeps the rest on its own model', () => {
    const nodes: Node[] = [
      { name: 'agent', parent: null, type: 'AGENT', model: 'gpt-4o', usage: [150, 30] },
      { name: 'call', parent: 'agent', type: 'CHAT_MODEL', model: 'claude-3-haiku', usage: [100, 20] },
    ];
    expectSplit(nodes, [150, 30], new Map([['gpt-4o', [50, 10]], ['claude-3-haiku', [100, 20]]]));
  });
});

describe('caches written before the split by nested usage', () => {
  let db: TraceCacheDb | undefined;
  afterEach(() => db?.close());
  const scratch = () => mkdtempSync(path.join(tmpdir(), 'stratus-nested-usage-'));

  it('the trace cache reads again the traces whose usage may have come from nested spans, and only those', () => {
    const file = path.join(scratch(), 'cache.sqlite');
    const old = new Database(file);
    for (const step of TRACE_CACHE_MIGRATIONS.slice(0, 6)) old.exec(step);
    const trace = old.prepare(
      "INSERT INTO traces (trace_id, experiment_id, timestamp_ms, state, spans, stored_input, stored_output, stored_total, input, output, total) VALUES (?, '1', ?, 'OK', 1, ?, ?, ?, ?, ?, ?)",
    );
    const span = old.prepare("INSERT INTO trace_spans (trace_id, name, span_type, model, error, duration_ms, status, calls) VALUES (?, 'x', 'CHAT_MODEL', ?, 0, 1, 'OK', ?)");
    const model = old.prepare('INSERT INTO trace_models (trace_id, model, input, output, total) VALUES (?, ?, ?, ?, ?)');
    // Two spans naming a model: may have been nested.
    trace.run('two-models', 5, 10, 2, 12, 10, 2, 12);
    span.run('two-models', 'gpt-4o', 'gpt-4o');
    span.run('two-models', 'claude-3-haiku', 'claude-3-haiku');
    model.run('two-models', 'gpt-4o', 10, 2, 12);
    // MLflow 2's spans each counted as a root: the total doubled against MLflow's.
    trace.run('doubled', 4, 10, 2, 12, 20, 4, 24);
    span.run('doubled', 'gpt-4o', 'gpt-4o');
    model.run('doubled', 'gpt-4o', 20, 4, 24);
    // A chain's usage on no model, in a trace of several spans.
    trace.run('on-no-model', 3, 10, 2, 12, 10, 2, 12);
    span.run('on-no-model', null, null);
    span.run('on-no-model', 'gpt-4o', 'gpt-4o');
    model.run('on-no-model', null, 10, 2, 12);
    // One call, total as stored: nothing could have changed.
    trace.run('single', 2, 10, 2, 12, 10, 2, 12);
    span.run('single', 'gpt-4o', 'gpt-4o');
    span.run('single', null, null);
    model.run('single', 'gpt-4o', 10, 2, 12);
    // Step 7 alone (step 8 reads every trace again, for templates).
    old.exec(TRACE_CACHE_MIGRATIONS[6]);
    expect(old.prepare('SELECT trace_id FROM traces WHERE spans = 0 ORDER BY timestamp_ms DESC').pluck().all()).toEqual(['two-models', 'doubled', 'on-no-model']);
    old.pragma('user_version = 7');
    old.close();
    db = TraceCacheDb.open(file);
    expect(db.pendingSpans(10)).toEqual(['two-models', 'doubled', 'on-no-model', 'single']);
  });

  it('the sqlite token cache marks the traces whose split may change to be read again by the next sync', () => {
    const file = path.join(scratch(), 'usage.sqlite');
    const old = new Database(file);
    for (const step of CACHE_MIGRATIONS.slice(0, 2)) old.exec(step);
    const trace = old.prepare("INSERT INTO traces (trace_id, experiment_id, timestamp_ms, day, status, final, input, output, total, mismatch) VALUES (?, '1', 1, 0, 'OK', 1, 10, 2, 12, 0)");
    const span = old.prepare("INSERT INTO span_latency (trace_id, experiment_id, timestamp_ms, span_type, model, duration_ms, error) VALUES (?, '1', 1, 'CHAT_MODEL', ?, 1, 0)");
    const model = old.prepare("INSERT INTO trace_models (trace_id, experiment_id, timestamp_ms, day, model, input, output, total) VALUES (?, '1', 1, 0, ?, 10, 2, 12)");
    for (const id of ['two-models', 'on-no-model', 'single']) trace.run(id);
    span.run('two-models', 'gpt-4o');
    span.run('two-models', 'claude-3-haiku');
    model.run('two-models', 'gpt-4o');
    span.run('on-no-model', null);
    span.run('on-no-model', 'gpt-4o');
    model.run('on-no-model', null);
    span.run('single', 'gpt-4o');
    span.run('single', null);
    model.run('single', 'gpt-4o');
    old.pragma('user_version = 2');
    old.close();
    UsageCache.open(file).close();
    const after = new Database(file, { readonly: true });
    expect(after.prepare('SELECT trace_id FROM traces WHERE final = 0 ORDER BY trace_id').pluck().all()).toEqual(['on-no-model', 'two-models']);
    after.close();
  });
});
