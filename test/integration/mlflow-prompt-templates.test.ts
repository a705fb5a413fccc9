import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../electron/services.js';
import type { PromptsResult } from '../../shared/schemas/mlflow-prompts.js';
import { openMlflowWorkspace } from '../harness/app-workspace.js';
import { callChannel } from '../harness/environment-workspace.js';
import { buildFileStore } from '../harness/mlflow-file-store.js';
import { copyMlflowDb } from '../harness/mlflow-fixture.js';
import { langChainTrace, type ChatTemplate, type LangChainTrace } from '../harness/langchain-spans.js';

// Traces of a LangChain `prompt | llm` chain, with spans as MLflow's LangChain autologging writes
// them (test/harness/langchain-spans.ts), added to a copy of the fixture's mlflow.db in a new
// experiment, and a file store (mlruns/) made from that copy: through the mlflow.prompts and
// mlflow.promptTraces channels both group the traces by their template, with the template text,
// its variables, the counts and tokens as written.

const TEMPLATES: Record<string, ChatTemplate> = {
  tutor: { system: 'You tutor {subject} for a {level} student. Be {tone}.', human: 'Question: {question}' },
  reviewer: { system: 'Review this {language} code for bugs.', human: '{code}' },
};

const VARIABLE_SETS: Record<string, Record<string, string>[]> = {
  tutor: [
    { subject: 'algebra', level: 'beginner', tone: 'patient', question: 'What is x if 2x = 6?' },
    { subject: 'history', level: 'advanced', tone: 'brief', question: 'Why did Rome fall?' },
    { subject: 'chemistry', level: 'beginner', tone: 'playful', question: 'What is an atom?' },
    { subject: 'algebra', level: 'advanced', tone: 'brief', question: 'Factor x^2 - 1.' },
  ],
  reviewer: [
    { language: 'Python', code: 'def f(x): return x / 0' },
    { language: 'Rust', code: 'let v: Vec<i32> = vec![]; v[0];' },
    { language: 'SQL', code: 'SELECT * FROM t WHERE a = NULL' },
  ],
};

let scratch: string;
let services: Services;
let experimentId: string;
const written = new Map<string, LangChainTrace[]>();

/** Adds the traces to the open database in a new experiment. */
function addTraces(db: Database.Database): void {
  experimentId = String((db.prepare('SELECT max(experiment_id) + 1 FROM experiments').pluck().get() as number) ?? 1);
  db.prepare("INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time) VALUES (?, 'langchain-templates', ?, 'active', 0, 0)").run(
    experimentId,
    pathToFileURL(path.join(scratch, 'artifacts')).href,
  );
  const info = db.prepare("INSERT INTO trace_info (request_id, experiment_id, timestamp_ms, execution_time_ms, status) VALUES (?, ?, ?, ?, 'OK')");
  const span = db.prepare("INSERT INTO spans (trace_id, experiment_id, span_id, parent_span_id, name, type, status, start_time_unix_nano, end_time_unix_nano, content) VALUES (?, ?, ?, ?, ?, ?, 'OK', ?, ?, ?)");
  let n = 0;
  const start = 1_794_000_000_000_000_000n;
  for (const [name, template] of Object.entries(TEMPLATES)) {
    const traces = VARIABLE_SETS[name].map((vars) => langChainTrace(++n, template, vars, start + BigInt(n) * 60_000_000_000n));
    written.set(name, traces);
    for (const t of traces) {
      info.run(t.traceId, experimentId, Number(t.startNs / 1_000_000n), Number((t.endNs - t.startNs) / 1_000_000n));
      for (const s of t.spans) {
        const attributes = s.attributes as Record<string, string>;
        const hex = (b64: unknown) => (typeof b64 === 'string' ? Buffer.from(b64, 'base64').toString('hex') : null);
        span.run(t.traceId, experimentId, hex(s.span_id), hex(s.parent_span_id), s.name, JSON.parse(attributes['mlflow.spanType']), s.start_time_unix_nano, s.end_time_unix_nano, JSON.stringify(s));
      }
    }
  }
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'stratus-prompt-templates-'));
  const db = new Database(await copyMlflowDb(scratch));
  try {
    addTraces(db);
    await buildFileStore(db, path.join(scratch, 'mlruns'));
  } finally {
    db.close();
  }
  services = createServices({ env: {}, userDataDir: path.join(scratch, 'user-data') });
  await services.localAccess.grant(scratch);
}, 60_000);

afterAll(async () => {
  await services?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

async function prompts(workspaceId: string): Promise<PromptsResult> {
  // A file store's spans are read in the background after its sync: ask until none is pending.
  for (;;) {
    const result = await callChannel(services, 'mlflow.prompts', { workspaceId, experimentIds: [experimentId] });
    if (result.spansPending === 0) return result;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function expectTemplateGroups(workspaceId: string): Promise<void> {
  const result = await prompts(workspaceId);
  expect(result.ungrouped).toBe(0);
  const groups = result.prompts.map((p) => ({
    kind: p.kind,
    traces: p.traces,
    input: p.versions[0].input,
    output: p.versions[0].output,
    template: p.versions[0].template,
    variables: p.variables,
  }));
  const expected = Object.entries(TEMPLATES).map(([name, t]) => {
    const traces = written.get(name) ?? [];
    return {
      kind: 'template',
      traces: traces.length,
      input: traces.reduce((s, x) => s + x.input, 0),
      output: traces.reduce((s, x) => s + x.output, 0),
      template: `system: ${t.system}\n\nhuman: ${t.human}`,
      variables: Object.keys(VARIABLE_SETS[name][0]),
    };
  });
  expect(groups).toEqual(expected);
  // From a template to its traces: the ones written with it, with their answers.
  const tutor = result.prompts[0];
  const page = await callChannel(services, 'mlflow.promptTraces', { workspaceId, experimentIds: [experimentId], key: tutor.key, pageSize: 50 });
  expect(new Set(page.traces.map((r) => r.traceId))).toEqual(new Set(written.get('tutor')?.map((t) => t.traceId)));
  expect(page.traces.every((r) => r.output?.startsWith('answer '))).toBe(true);
}

describe('prompt templates from LangChain spans, end to end', () => {
  it('groups an sqlite store’s traces by template (mlflow.prompts)', async () => {
    await expectTemplateGroups(await openMlflowWorkspace(services, `sqlite:///${path.join(scratch, 'mlflow.db')}`));
  }, 60_000);

  it('groups a file store’s traces by template through the trace cache (mlflow.prompts)', async () => {
    await expectTemplateGroups(await openMlflowWorkspace(services, pathToFileURL(path.join(scratch, 'mlruns')).href));
  }, 60_000);
});
