import { describe, expect, it } from 'vitest';
import { parseStoredUsage, spanTokenUsage, traceTokenUsage, usageMismatch, type SpanUsageNode } from '../../shared/token-usage.js';

// MLflow's rule for a trace's token total: sum spans that carry usage, but never a span below one
// that already carries it. Attribute values arrive JSON-encoded, as MLflow writes them.

const u = (input: number, output: number) => ({ input, output, total: input + output });
const node = (spanId: string, parentId: string | null, usage: ReturnType<typeof u> | null): SpanUsageNode => ({ spanId, parentId, usage });

describe('token usage', () => {
  it('reads the JSON-encoded span attribute MLflow writes', () => {
    const attrs = { 'mlflow.chat.tokenUsage': '{"input_tokens": 667, "output_tokens": 145, "total_tokens": 812}', model: '"gpt-4o"' };
    expect(spanTokenUsage(attrs)).toEqual({ input: 667, output: 145, total: 812 });
    expect(spanTokenUsage({ model: '"gpt-4o"' })).toBeNull();
    expect(spanTokenUsage({ 'mlflow.chat.tokenUsage': 'not json' })).toBeNull();
    expect(spanTokenUsage({ 'mlflow.chat.tokenUsage': { input_tokens: 3 } })).toEqual({ input: 3, output: 0, total: 0 });
  });

  it('parses stored trace totals and rejects non-objects', () => {
    expect(parseStoredUsage('{"input_tokens": 1, "output_tokens": 2, "total_tokens": 3}')).toEqual({ input: 1, output: 2, total: 3 });
    expect(parseStoredUsage('[1,2]')).toBeNull();
    expect(parseStoredUsage('null')).toBeNull();
    expect(parseStoredUsage(undefined)).toBeNull();
  });

  it('sums sibling chat spans under a span without usage', () => {
    const spans = [node('a', null, null), node('b', 'a', u(10, 5)), node('c', 'a', u(7, 3)), node('d', 'a', null)];
    expect(traceTokenUsage(spans)).toEqual({ input: 17, output: 8, total: 25 });
  });

  it('skips every span below one that already has usage', () => {
    const spans = [node('agent', null, u(100, 50)), node('llm1', 'agent', u(60, 30)), node('inner', 'llm1', u(1, 1)), node('tool', 'agent', null), node('llm2', 'tool', u(40, 20))];
    expect(traceTokenUsage(spans)).toEqual({ input: 100, output: 50, total: 150 });
  });

  it('counts a usage span below a usage-free chain, and treats orphans as roots', () => {
    const spans = [node('x', null, null), node('y', 'x', null), node('z', 'y', u(2, 2)), node('orphan', 'missing', u(1, 0))];
    expect(traceTokenUsage(spans)).toEqual({ input: 3, output: 2, total: 5 });
  });

  it('is null when no span carries usage', () => {
    expect(traceTokenUsage([node('r', null, null), node('s', 'r', null)])).toBeNull();
    expect(traceTokenUsage([])).toBeNull();
  });

  it('survives a 30,000-deep chain and a cycle', () => {
    const chain: SpanUsageNode[] = [];
    for (let i = 0; i < 30_000; i++) chain.push(node(`s${i}`, i === 0 ? null : `s${i - 1}`, i === 29_999 ? u(1, 1) : null));
    expect(traceTokenUsage(chain)).toEqual({ input: 1, output: 1, total: 2 });
    expect(traceTokenUsage([node('p', 'q', u(1, 0)), node('q', 'p', u(2, 0))])).toBeNull();
  });

  it('reports a mismatch only where MLflow stored a total that differs', () => {
    expect(usageMismatch(u(1, 1), u(1, 1))).toBe(false);
    expect(usageMismatch(u(1, 1), u(1, 2))).toBe(true);
    expect(usageMismatch(null, u(1, 2))).toBe(true);
    expect(usageMismatch(u(1, 1), null)).toBe(false);
  });
});
