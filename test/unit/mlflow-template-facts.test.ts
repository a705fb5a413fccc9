import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../electron/core/migrate.js';
import { TRACE_CACHE_MIGRATIONS } from '../../electron/mlflow/trace-cache/migrations.js';
import { cachePrompts } from '../../electron/mlflow/prompts/prompt-ops.js';
import { MAX_TEMPLATE_CHARS, spanTemplate, templateFingerprint, templateOfRow, traceTemplate } from '../../electron/mlflow/prompts/template-facts.js';
import { TraceCacheDb } from '../../electron/mlflow/trace-cache/cache-db.js';
import { spanFacts } from '../../electron/mlflow/trace-cache/span-rows.js';
import { langChainTrace, type ChatTemplate } from '../harness/langchain-spans.js';

// Templates from the spans MLflow's LangChain autologging writes (test/harness/langchain-spans.ts):
// traces of two templates, each formatted with several variable sets, group by template in the
// trace cache (a tracking server's or a file store's), with their counts and tokens; hostile span
// content is bounded or ignored.

const RESEARCH: ChatTemplate = { system: 'You are a {role} assistant. Answer in {language}.', human: '{question}' };
const SUMMARY: ChatTemplate = { system: 'Summarize the text for a {audience}.', human: 'Text: {text}' };

const VARS = {
  research: [
    { role: 'legal', language: 'German', question: 'Is a verbal contract binding?' },
    { role: 'medical', language: 'French', question: 'What lowers blood pressure?' },
    { role: 'travel', language: 'German', question: 'Best month for Lisbon?' },
  ],
  summary: [
    { audience: 'child', text: 'The moon orbits the earth.' },
    { audience: 'lawyer', text: 'The contract ends in May.' },
  ],
};

function traces() {
  let n = 0;
  const at = 1_800_000_000_000_000_000n;
  return [
    ...VARS.research.map((v) => ({ kind: 'research', trace: langChainTrace(++n, RESEARCH, v, at + BigInt(n) * 1_000_000_000n) })),
    ...VARS.summary.map((v) => ({ kind: 'summary', trace: langChainTrace(++n, SUMMARY, v, at + BigInt(n) * 1_000_000_000n) })),
  ];
}

const chain = (inputs: unknown, outputs: unknown) => ({ 'mlflow.spanType': '"CHAIN"', 'mlflow.spanInputs': JSON.stringify(inputs), 'mlflow.spanOutputs': JSON.stringify(outputs) });
const chatValue = (system: string, human: string) => ({ messages: [{ content: system, type: 'system' }, { content: human, type: 'human' }], type: 'ChatPromptValue' });

describe('the template a LangChain trace carries', () => {
  it('rebuilds the template from the prompt run: each variable value back to {name}', () => {
    const { trace } = traces()[0];
    expect(traceTemplate(trace.spans)).toEqual({
      hash: templateFingerprint('system: You are a {role} assistant. Answer in {language}.\n\nhuman: {question}'),
      text: 'system: You are a {role} assistant. Answer in {language}.\n\nhuman: {question}',
      variables: ['role', 'language', 'question'],
    });
  });

  it('groups two templates × several variable sets into two groups with their counts and tokens (trace cache)', () => {
    const written = traces();
    const db = TraceCacheDb.open(':memory:');
    try {
      db.savePage(
        written.map(({ trace }) => ({
          traceId: trace.traceId,
          experimentId: '1',
          timestampMs: Number(trace.startNs / 1_000_000n),
          durationMs: 900,
          state: 'OK',
          name: null,
          user: null,
          session: null,
          stored: null,
          linked: null,
        })),
        null,
      );
      db.saveSpans(written.map(({ trace }) => ({ traceId: trace.traceId, ...spanFacts(trace.spans) })));
      const result = cachePrompts(db, ['1'], [], []);
      expect(result.ungrouped).toBe(0);
      const groups = result.prompts.map((p) => ({ kind: p.kind, traces: p.traces, input: p.versions[0].input, output: p.versions[0].output, variables: p.variables, text: p.versions[0].template }));
      const expected = (kind: string, template: ChatTemplate, variables: string[]) => {
        const mine = written.filter((w) => w.kind === kind).map((w) => w.trace);
        return {
          kind: 'template',
          traces: mine.length,
          input: mine.reduce((s, t) => s + t.input, 0),
          output: mine.reduce((s, t) => s + t.output, 0),
          variables,
          text: `system: ${template.system}\n\nhuman: ${template.human}`,
        };
      };
      expect(groups).toEqual([expected('research', RESEARCH, ['role', 'language', 'question']), expected('summary', SUMMARY, ['audience', 'text'])]);
      expect(result.prompts.every((p) => p.key === `t:${templateFingerprint(p.versions[0].template ?? '')}`)).toBe(true);
    } finally {
      db.close();
    }
  });

  it('reads again the spans of a cache made before templates were kept (migration 8)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'stratus-cache-m8-'));
    try {
      const file = path.join(dir, 'cache.sqlite');
      const old = new Database(file);
      migrate(old, { name: 'The trace cache' }, file, TRACE_CACHE_MIGRATIONS.slice(0, -1));
      old.exec("INSERT INTO traces (trace_id, experiment_id, timestamp_ms, state, spans) VALUES ('a', '1', 100, 'OK', 1)");
      old.close();
      const db = TraceCacheDb.open(file);
      try {
        expect(db.pendingSpans(10)).toEqual(['a']);
      } finally {
        db.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads the LangChain chat span: the system prompt, the human message and the generation', () => {
    const { trace } = traces()[1];
    const { prompt } = spanFacts(trace.spans);
    expect([prompt.system, prompt.input, prompt.output]).toEqual(['You are a medical assistant. Answer in French.', 'What lowers blood pressure?', 'answer 2']);
  });

  it('takes LlamaIndex’s template attribute (prmopt_template) as written', () => {
    const t = spanTemplate({ 'mlflow.spanType': '"LLM"', prmopt_template: JSON.stringify('Context: {context_str}\nQ: {query_str}'), template_arguments: JSON.stringify({ context_str: 'c', query_str: 'q' }) });
    expect(t).toMatchObject({ text: 'Context: {context_str}\nQ: {query_str}', variables: ['context_str', 'query_str'] });
  });
});

describe('hostile template spans', () => {
  it('keeps 8 KiB of a huge template and fingerprints the whole text', () => {
    const head = 'x'.repeat(MAX_TEMPLATE_CHARS + 10);
    const a = spanTemplate(chain({ q: 'Q1' }, chatValue(`${head} tail A`, 'Q1')));
    const b = spanTemplate(chain({ q: 'Q2' }, chatValue(`${head} tail B`, 'Q2')));
    expect(a?.text.length).toBe(MAX_TEMPLATE_CHARS + 1);
    expect(a?.text.endsWith('…')).toBe(true);
    expect(a?.hash).not.toBe(b?.hash);
  });

  it('ignores non-string and malformed content, odd variable names and values, and formatted prompts over 1 MiB', () => {
    expect(spanTemplate(chain({ q: 'x' }, { messages: [{ content: 42, type: 'system' }], type: 'ChatPromptValue' }))).toBeNull();
    expect(spanTemplate(chain({ q: 'x' }, { messages: 'not a list', type: 'ChatPromptValue' }))).toBeNull();
    expect(spanTemplate(chain({ q: 'x' }, { messages: [null], type: 'ChatPromptValue' }))).toBeNull();
    expect(spanTemplate(chain({ q: 'x' }, { text: ['x'], type: 'StringPromptValue' }))).toBeNull();
    expect(spanTemplate({ 'mlflow.spanType': '"CHAIN"', 'mlflow.spanOutputs': '{not json' })).toBeNull();
    expect(spanTemplate({ 'mlflow.spanType': 7, 'mlflow.spanOutputs': chatValue('a', 'b') })).toBeNull();
    expect(spanTemplate(chain({ q: 'x'.repeat(2 << 20) }, { text: 'x'.repeat(2 << 20), type: 'StringPromptValue' }))).toBeNull();
    expect(spanTemplate({ prmopt_template: JSON.stringify({ evil: true }) })).toBeNull();
    // Names that are not identifiers and values that are not text stay literal; regex characters are plain text.
    const t = spanTemplate(chain({ '{x}': 'Hello', __proto__x: { a: 1 }, n: 3, pat: '.*' }, { text: 'Hello .* 3 times', type: 'StringPromptValue' }));
    expect(t).toMatchObject({ text: 'Hello {pat} {n} times', variables: ['pat', 'n'] });
  });

  it('never throws on spans that are not objects', () => {
    expect(traceTemplate([null, 1, 'x', [], { attributes: 'x' }, { attributes: null }])).toBeNull();
  });

  it('reads back only variable names from a cached row', () => {
    expect(templateOfRow('t', JSON.stringify(['a', 7, 'x'.repeat(200), '{b}', 'c']))).toEqual({ text: 't', variables: ['a', 'c'] });
    expect(templateOfRow('t', 'not json')).toEqual({ text: 't', variables: [] });
  });
});
