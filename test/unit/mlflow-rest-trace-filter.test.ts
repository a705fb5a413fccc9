import { describe, expect, it } from 'vitest';
import { serverTraceFilter } from '../../electron/mlflow/sources/rest-trace-filter.js';
import { likePattern, spanMatcher, spansMatch } from '../../electron/mlflow/trace-match.js';

// The tracking server's own search grammar: MLflow's `search_traces(run_id=…)` asks for the
// `mlflow.sourceRun` metadata, so the run page's trace list asks the same.
describe('REST trace filter', () => {
  it('asks for the traces linked to a run through the mlflow.sourceRun metadata', () => {
    expect(serverTraceFilter({ runId: 'd90d823ba24a4929bef2381830403acb' })).toBe("metadata.`mlflow.sourceRun` = 'd90d823ba24a4929bef2381830403acb'");
  });

  it('joins conditions with AND and quotes values', () => {
    expect(serverTraceFilter({ states: ['ERROR'], user: "o'brien" })).toBe("trace.status = 'ERROR' AND metadata.`mlflow.trace.user` = 'o\\'brien'");
    expect(serverTraceFilter({ text: 'only local' })).toBeUndefined();
  });
});

describe('span conditions', () => {
  it('sends only the span name to the server (its search knows no span type, model or status)', () => {
    expect(serverTraceFilter({ span: { name: "agent's%", type: 'LLM', model: 'gpt-4%', status: 'ERROR' } })).toBe("span.name ILIKE 'agent\\'s%'");
    expect(serverTraceFilter({ span: { type: 'LLM' } })).toBeUndefined();
  });

  it('matches one span on every condition, patterns as ILIKE', () => {
    const span = { name: 'Completions_1', type: 'CHAT_MODEL', model: 'gpt-4o-mini', status: 'OK' };
    expect(spanMatcher({ type: 'chat_model', model: 'GPT-4%' })(span)).toBe(true);
    expect(spanMatcher({ name: 'completions_1' })(span)).toBe(true);
    expect(spanMatcher({ name: 'Completions' })(span)).toBe(false);
    expect(spanMatcher({ model: 'gpt-4_' })(span)).toBe(false);
    expect(spanMatcher({ model: 'gpt-4_-mini' })(span)).toBe(true);
    expect(spanMatcher({ type: 'CHAT_MODEL', status: 'ERROR' })(span)).toBe(false);
    expect(spanMatcher({ model: '%' })({ ...span, model: null })).toBe(false);
    // Regex characters in a name are literal.
    expect(likePattern('a.b(c)').test('a.b(c)')).toBe(true);
    expect(likePattern('a.b(c)').test('axb(c)')).toBe(false);
  });

  it('never matches a trace whose spans could not be read, unless no span condition is asked', () => {
    expect(spansMatch(null, { span: { type: 'LLM' } })).toBe(false);
    expect(spansMatch(null, {})).toBe(true);
    const tool = { name: 't', type: 'TOOL', model: null, status: 'OK' };
    const llm = { name: 'c', type: 'LLM', model: 'gpt-4o', status: 'OK' };
    expect(spansMatch([tool, llm], { span: { type: 'TOOL', model: 'gpt-4o' } })).toBe(false);
    expect(spansMatch([tool, llm], { span: { type: 'LLM', model: 'gpt-4o' } })).toBe(true);
  });
});
