import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../electron/services.js';
import { contract, type ArgsOf, type Channel, type ResultOf } from '../../shared/contract.js';
import type { PromptsResult } from '../../shared/schemas/mlflow-prompts.js';
import type { TokensSummary } from '../../shared/schemas/mlflow-tokens.js';
import { copyMlflowDb, openFixtureDb } from '../harness/mlflow-fixture.js';
import { repoRoot } from '../harness/repo.js';

// `stratus mlflow tokens|prompts --workspace NAME`, the built CLI, on a copy of the fixture's
// mlflow.db saved as a workspace in the app: the saved workspace's own prices win over the prices
// for all workspaces, as in the app, and its tracking URI is the one read.

const exec = promisify(execFile);
const WORKSPACE = 'Team tracking';

let scratch: string;
let userDataDir: string;
let dbFile: string;
let fixture: Database.Database;

async function stratus(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  const env: NodeJS.ProcessEnv = { ...process.env, STRATUS_USER_DATA: userDataDir };
  delete env.MLFLOW_TRACKING_URI;
  try {
    const { stdout, stderr } = await exec(process.execPath, ['bin/stratus.js', 'mlflow', ...args], { cwd: repoRoot, env, maxBuffer: 64 * 1024 * 1024 });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; code?: number };
    return { stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: e.code ?? -1 };
  }
}

async function json<T>(args: string[]): Promise<T> {
  const out = await stratus([...args, '--json']);
  if (out.code !== 0) throw new Error(`stratus ${args.join(' ')} failed (${out.code}): ${out.stderr}`);
  return JSON.parse(out.stdout) as T;
}

/** The same price for every rate, so a cost at price 2 is twice the cost at price 1. */
const flat = (model: string, price: number) => ({ model, inputPer1M: price, outputPer1M: price, cachedInputPer1M: price, cacheWritePer1M: price });

let experimentNames: string[];

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'stratus-cli-prices-'));
  userDataDir = path.join(scratch, 'user-data');
  dbFile = await copyMlflowDb(scratch);
  fixture = openFixtureDb();
  experimentNames = fixture.prepare('SELECT name FROM experiments').pluck().all() as string[];
}, 60_000);

afterAll(async () => {
  fixture?.close();
  await rm(scratch, { recursive: true, force: true });
});

describe('stratus mlflow with a saved workspace', () => {
  let models: string[];

  beforeAll(async () => {
    const before = await json<TokensSummary>(['tokens', '--tracking-uri', `sqlite:///${dbFile}`, '--all-experiments']);
    models = before.models.flatMap((m) => (m.model === null ? [] : [m.model]));
    expect(models.length).toBeGreaterThan(0);
    // The app saves the workspace and its prices (its own at 2, for all workspaces at 1).
    const services: Services = createServices({ env: {}, userDataDir });
    try {
      await services.localAccess.grant(scratch);
      const ok = async <C extends Channel>(channel: C, args: ArgsOf<C>): Promise<ResultOf<C>> => {
        const reply = await services.router.dispatch(channel, args);
        if (!reply.ok) throw new Error(`${channel} failed: ${reply.error.message}`);
        return contract[channel].result.parse(reply.value) as ResultOf<C>;
      };
      const saved = await ok('workspace.save', { config: { kind: 'local', name: WORKSPACE, path: scratch, mlflowTrackingUri: `sqlite:///${dbFile}` } });
      const open = await ok('workspace.connect', { id: saved.id });
      await ok('mlflow.tokens.prices.set', { rows: models.map((m) => flat(m, 1)) });
      await ok('mlflow.tokens.prices.workspace.set', { workspaceId: open.id, rows: models.map((m) => flat(m, 2)) });
    } finally {
      await services.close();
    }
  }, 120_000);

  it("tokens prices every model with the workspace's own price, and without --workspace with the price for all workspaces", async () => {
    const mine = await json<TokensSummary>(['tokens', '--workspace', WORKSPACE, '--all-experiments']);
    const all = await json<TokensSummary>(['tokens', '--tracking-uri', `sqlite:///${dbFile}`, '--all-experiments']);
    for (const model of models) {
      const m = mine.models.find((r) => r.model === model);
      const a = all.models.find((r) => r.model === model);
      expect(m?.priceSource, model).toBe('workspace');
      expect(a?.priceSource, model).toBe('override');
      expect(m?.cost ?? NaN).toBeCloseTo(2 * (a?.cost ?? NaN), 9);
    }
    expect(mine.cost.total ?? NaN).toBeGreaterThan(0);
    expect(mine.cost.total ?? NaN).toBeCloseTo(2 * (all.cost.total ?? NaN), 9);
  }, 120_000);

  it("prompts costs each version at the workspace's own prices", async () => {
    const mine = await json<PromptsResult>(['prompts', ...experimentNames, '--workspace', WORKSPACE]);
    const all = await json<PromptsResult>(['prompts', ...experimentNames, '--tracking-uri', `sqlite:///${dbFile}`]);
    const costs = (r: PromptsResult) => r.prompts.flatMap((p) => p.versions.map((v) => v.cost ?? 0));
    expect(costs(all).some((c) => c > 0)).toBe(true);
    expect(costs(mine)).toHaveLength(costs(all).length);
    costs(mine).forEach((c, i) => expect(c).toBeCloseTo(2 * costs(all)[i], 9));
  }, 120_000);

  it('names the saved workspaces when there is none of that name, and fails', async () => {
    const { code, stderr } = await stratus(['tokens', '--workspace', 'No such workspace', '--all-experiments']);
    expect(code).not.toBe(0);
    expect(stderr).toContain('There is no saved workspace named "No such workspace"');
    expect(stderr).toContain(`"${WORKSPACE}"`);
  }, 60_000);
});
