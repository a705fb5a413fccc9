import { describe, expect, it } from 'vitest';
import { parseLinkedPrompts, spanPromptFacts } from '../../electron/mlflow/prompts/prompt-facts.js';
import { groupPrompts } from '../../electron/mlflow/prompts/group-prompts.js';
import type { PromptRecord } from '../../electron/mlflow/prompts/prompt-record.js';

// What a trace says about its prompt, from MLflow's span JSON and linked-prompts tag, and the
// grouping's rules that the generated data does not reach (Anthropic requests, hostile tags).

const span = (parent: string | null, type: string, inputs: unknown, outputs: unknown, start = 1) => ({
  parent_span_id: parent,
  start_time_unix_nano: start,
  attributes: { 'mlflow.spanType': JSON.stringify(type), 'mlflow.spanInputs': JSON.stringify(inputs), 'mlflow.spanOutputs': JSON.stringify(outputs) },
});

describe('prompt facts', () => {
  it('reads an Anthropic request: the top-level system blocks, the last user message and the text answer', () => {
    const facts = spanPromptFacts([
      span(null, 'AGENT', { question: 'q' }, 'done'),
      span('a', 'CHAT_MODEL', { system: [{ type: 'text', text: 'Be\n  terse.' }], messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] }, { content: [{ type: 'text', text: 'Hello' }] }),
    ]);
    expect(facts).toEqual({ system: 'Be terse.', input: 'Hi', output: 'Hello', template: null });
  });

  it('prefers the first LLM span that names a system prompt', () => {
    const facts = spanPromptFacts([
      span('r', 'CHAT_MODEL', { messages: [{ role: 'user', content: 'no system' }] }, null, 1),
      span('r', 'CHAT_MODEL', { messages: [{ role: 'system', content: 'S' }, { role: 'user', content: 'u' }] }, { choices: [{ message: { content: 'a' } }] }, 2),
    ]);
    expect(facts).toEqual({ system: 'S', input: 'u', output: 'a', template: null });
  });

  it('keeps only linked prompt entries MLflow could have written', () => {
    expect(parseLinkedPrompts('[{"name": "ok-1", "version": "2"}, {"name": "../x", "version": "1"}, {"name": "a", "version": 3}, {"name": "a", "version": "3"}, "x"]')).toEqual([
      { name: 'ok-1', version: '2' },
      { name: 'a', version: '3' },
    ]);
    expect(parseLinkedPrompts('not json')).toEqual([]);
    expect(parseLinkedPrompts(undefined)).toEqual([]);
  });
});

describe('grouping', () => {
  const record = (over: Partial<PromptRecord>): PromptRecord => ({
    traceId: 't',
    experimentId: '1',
    timestampMs: 0,
    durationMs: 100,
    state: 'OK',
    linked: [],
    templateHash: null,
    systemHash: null,
    input: null,
    output: null,
    byModel: [],
    spansRead: true,
    ...over,
  });

  it('lists a model without a price, and prices the others', () => {
    const usage = (model: string) => ({ model, input: 1_000_000, output: 0, total: 1_000_000, cacheRead: 0, cacheWrite: 0, cacheInInput: 0 });
    const result = groupPrompts(
      [record({ traceId: 'a', linked: [{ name: 'p', version: '1' }], byModel: [usage('gpt-4o'), usage('in-house-llm')] })],
      { registry: [], systems: new Map(), templates: new Map() },
      [],
    );
    const [v] = result.prompts[0].versions;
    expect(v.unpricedModels).toEqual(['in-house-llm']);
    expect(v.cost).toBe(2.5);
  });

  it('counts a trace linked to two prompts under both, and one with neither as ungrouped or pending', () => {
    const result = groupPrompts(
      [
        record({ traceId: 'a', linked: [{ name: 'x', version: '1' }, { name: 'y', version: '1' }] }),
        record({ traceId: 'b' }),
        record({ traceId: 'c', spansRead: false }),
      ],
      { registry: [], systems: new Map(), templates: new Map() },
      [],
    );
    expect(result.prompts.map((p) => [p.key, p.traces])).toEqual([['p:x', 1], ['p:y', 1]]);
    expect(result).toMatchObject({ traces: 3, ungrouped: 2, spansPending: 1 });
  });
});
