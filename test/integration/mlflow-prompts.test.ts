import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mlflowPromptsCommand } from '../../electron/cli/mlflow-prompts-command.js';
import { contract } from '../../shared/contract.js';
import type { PromptsResult, PromptTraceRow } from '../../shared/schemas/mlflow-prompts.js';
import { createServices } from '../../electron/services.js';
import { restRegistry } from '../../electron/mlflow/prompts/rest-registry.js';
import { RestSource } from '../../electron/mlflow/sources/rest.js';
import { TraceCaches, type TraceServer } from '../../electron/mlflow/trace-cache/trace-caches.js';
import { openMlflowWorkspace } from '../harness/app-workspace.js';
import { startAzurite, type AzuriteInstance } from '../harness/azurite.js';
import {
  createKitContainer,
  generatePromptTraces,
  kitArtifactRoot,
  mlflowKitMissing,
  startMlflowServer,
  type GeneratedPromptTraces,
  type MlflowServer,
} from '../harness/mlflow-server.js';

// The Prompts view's grouping against what MLflow itself wrote: two registered prompts with two
// versions each, traces that loaded a version inside the trace (MLflow wrote their linked-prompts
// tag), traces with unregistered system prompts (one written with varying whitespace), and traces
// of two LangChain prompt templates as MLflow's LangChain autologging records them. The
// expected groups come from the generator's own record of each trace, for the sqlite store and for
// the tracking server serving the same file.

const missing = mlflowKitMissing();
if (missing) console.warn(`Skipping the prompt grouping tests against a real MLflow server: ${missing}`);

let azurite: AzuriteInstance;
let server: MlflowServer;
let scratch: string;
let dbFile: string;
let caches: TraceCaches;
let written: GeneratedPromptTraces;
let experimentIds: string[];

/** The generator's record as groups: registered name and version, or the system prompt with its whitespace collapsed. */
function expectedGroups(): Map<string, Map<string | null, Set<string>>> {
  const groups = new Map<string, Map<string | null, Set<string>>>();
  for (const t of written.traces) {
    const [group, version] = t.prompt
      ? [`registered ${t.prompt.name}`, t.prompt.version]
      : t.template
        ? [`template ${t.template}`, null]
        : [`system ${t.system.split(/\s+/).filter(Boolean).join(' ')}`, null];
    let versions = groups.get(group);
    if (!versions) groups.set(group, (versions = new Map()));
    let ids = versions.get(version);
    if (!ids) versions.set(version, (ids = new Set()));
    ids.add(t.trace_id);
  }
  return groups;
}

type Traces = (key: string, query: { version?: string; inputKey?: string }) => Promise<PromptTraceRow[]>;

async function actualGroups(result: PromptsResult, traces: Traces): Promise<Map<string, Map<string | null, Set<string>>>> {
  const groups = new Map<string, Map<string | null, Set<string>>>();
  for (const prompt of result.prompts) {
    const name = prompt.kind === 'registered' ? `registered ${prompt.name}` : `${prompt.kind} ${prompt.versions[0]?.template ?? '?'}`;
    const versions = new Map<string | null, Set<string>>();
    for (const v of prompt.versions) {
      const rows = await traces(prompt.key, v.version === null ? {} : { version: v.version });
      expect(rows).toHaveLength(v.traces);
      versions.set(v.version, new Set(rows.map((r) => r.traceId)));
    }
    groups.set(name, versions);
  }
  return groups;
}

function serverFor(scope: string): TraceServer {
  return { scope, uri: server.uri, client: new RestSource(server.uri, {}).client };
}

const sqliteTraces: Traces = async (key, query) => (await caches.sqlitePromptTraces(dbFile, experimentIds, { key, ...query, pageSize: 200 })).traces;

describe.skipIf(missing !== null)('prompts grouped from MLflow-written traces', () => {
  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'stratus-prompts-'));
    dbFile = path.join(scratch, 'mlflow.db');
    azurite = await startAzurite();
    await createKitContainer(azurite);
    written = await generatePromptTraces(azurite, dbFile, kitArtifactRoot('prompts'), 7);
    experimentIds = [written.experiment_id];
    server = await startMlflowServer(azurite, dbFile, kitArtifactRoot('srv'));
    caches = new TraceCaches(path.join(scratch, 'user-data'));
  }, 300_000);

  afterAll(async () => {
    await caches?.close();
    await server?.stop();
    await azurite?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }, 60_000);

  it('groups an sqlite store exactly as generated, with the registry templates, errors and shared inputs', async () => {
    const result = await caches.sqlitePrompts(dbFile, experimentIds, []);
    expect(result.traces).toBe(written.traces.length);
    expect(result.ungrouped).toBe(0);
    expect(await actualGroups(result, sqliteTraces)).toEqual(expectedGroups());
    for (const [name, templates] of Object.entries(written.prompts)) {
      const prompt = result.prompts.find((p) => p.key === `p:${name}`);
      expect(prompt?.versions.map((v) => [v.version, v.template])).toEqual(templates.map((t, i) => [String(i + 1), t]).reverse());
      for (const v of prompt?.versions ?? []) {
        const mine = written.traces.filter((t) => t.prompt?.name === name && t.prompt.version === v.version);
        expect(v.errors).toBe(mine.filter((t) => t.error).length);
        expect(v.latencyP50).not.toBeNull();
        if (mine.some((t) => !t.error)) expect(v.input).toBeGreaterThan(0);
      }
      // Every question went through both versions: each is offered for the side-by-side comparison.
      const questions = new Set(written.traces.filter((t) => t.prompt?.name === name).map((t) => t.input));
      expect(new Set(prompt?.sharedInputs.map((s) => s.input))).toEqual(questions);
      const shared = prompt?.sharedInputs[0];
      if (!shared) throw new Error('no shared input');
      const side = await sqliteTraces(`p:${name}`, { inputKey: shared.inputKey });
      const generated = written.traces.filter((t) => t.prompt?.name === name && t.input === shared.input);
      expect(side.map((r) => [r.version, r.output]).sort()).toEqual(generated.map((t) => [t.prompt?.version, t.output]).sort());
    }
  }, 120_000);

  it('groups the same traces through the tracking server and its trace cache, equal to the sqlite store', async () => {
    const target = serverFor('prompts');
    const registry = await restRegistry(target.client);
    expect(registry.map((v) => `${v.name}@${v.version}`).sort()).toEqual(Object.entries(written.prompts).flatMap(([n, ts]) => ts.map((_, i) => `${n}@${i + 1}`)).sort());
    await caches.prompts(target, experimentIds, registry, []);
    await caches.spansRead(target);
    const fromServer = await caches.prompts(target, experimentIds, registry, []);
    expect(fromServer.spansPending).toBe(0);
    const serverTraces: Traces = async (key, query) => (await caches.promptTraces(target, experimentIds, { key, ...query, pageSize: 200 })).traces;
    expect(await actualGroups(fromServer, serverTraces)).toEqual(expectedGroups());
    expect(fromServer).toEqual(await caches.sqlitePrompts(dbFile, experimentIds, []));
  }, 120_000);

  it('answers mlflow.prompts and mlflow.promptTraces for a workspace on the server', async () => {
    const services = createServices({ env: {}, userDataDir: path.join(scratch, 'app-data') });
    try {
      const workspaceId = await openMlflowWorkspace(services, server.uri);
      const listed = await services.router.dispatch('mlflow.prompts', { workspaceId, experimentIds });
      if (!listed.ok) throw new Error(listed.error.message);
      const prompts = contract['mlflow.prompts'].result.parse(listed.value);
      const linked = written.traces.filter((t) => t.prompt !== null);
      // Linked prompts group from the search alone, before any span is read.
      expect(prompts.prompts.filter((p) => p.kind === 'registered').reduce((n, p) => n + p.traces, 0)).toBe(linked.length);
      const page = await services.router.dispatch('mlflow.promptTraces', { workspaceId, experimentIds, key: 'p:support-answer', version: '1', pageSize: 2 });
      if (!page.ok) throw new Error(page.error.message);
      const rows = contract['mlflow.promptTraces'].result.parse(page.value);
      const expected = written.traces.filter((t) => t.prompt?.name === 'support-answer' && t.prompt.version === '1');
      expect(rows.total).toBe(expected.length);
      expect(rows.traces).toHaveLength(Math.min(2, expected.length));
      expect(rows.nextPageToken).toBe(expected.length > 2 ? '2' : null);
    } finally {
      await services.close();
    }
  }, 120_000);

  it('prints the same grouping as CSV from the CLI (stratus mlflow prompts <experiment> --csv)', async () => {
    const saved = process.env.STRATUS_USER_DATA;
    process.env.STRATUS_USER_DATA = path.join(scratch, 'cli-data');
    let out = '';
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    try {
      await mlflowPromptsCommand(['prompt-traces', '--tracking-uri', `sqlite:///${dbFile}`, '--csv']);
    } finally {
      write.mockRestore();
      if (saved === undefined) delete process.env.STRATUS_USER_DATA;
      else process.env.STRATUS_USER_DATA = saved;
    }
    const rows = Papa.parse<Record<string, string>>(out.trim(), { header: true }).data;
    const expected = expectedGroups();
    expect(rows).toHaveLength([...expected.values()].reduce((n, versions) => n + versions.size, 0));
    for (const row of rows.filter((r) => r.kind === 'registered')) {
      expect(Number(row.traces)).toBe(expected.get(`registered ${row.name}`)?.get(row.version)?.size);
    }
    expect(rows.filter((r) => r.kind === 'system').map((r) => Number(r.traces)).sort()).toEqual(
      [...expected].filter(([k]) => k.startsWith('system ')).map(([, v]) => v.get(null)?.size).sort(),
    );
  }, 60_000);

  it('names unregistered system prompts by a fingerprint of their normalised text', async () => {
    const result = await caches.sqlitePrompts(dbFile, experimentIds, []);
    for (const p of result.prompts.filter((g) => g.kind === 'system')) {
      const text = p.versions[0]?.template ?? '';
      expect(p.key).toBe(`s:${createHash('sha256').update(text).digest('hex').slice(0, 16)}`);
    }
  }, 60_000);
});
