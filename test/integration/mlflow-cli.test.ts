import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStoredUsage } from '../../shared/token-usage.js';
import { copyMlflowDb, openFixtureDb } from '../harness/mlflow-fixture.js';
import { repoRoot } from '../harness/repo.js';

// `stratus mlflow …` on a copy of the shared fixture's mlflow.db, run from the sources (through
// tsx) so the test does not depend on a build. The JSON is what scripts rely on: trace_id and
// tokens {input, output, total} as the app computes them, absent when no span carries usage.

const run = promisify(execFile);

let scratch: string;
let dbFile: string;
let fixture: Database.Database;

async function stratus(args: string[], env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'electron/cli/main.ts', ...args], { cwd: repoRoot, env: { ...process.env, MLFLOW_TRACKING_URI: '', ...env } });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

interface TraceJson {
  trace_id: string;
  experiment_id: string;
  state: string;
  tokens?: { input: number; output: number; total: number };
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'stratus-mlflow-cli-'));
  dbFile = await copyMlflowDb(scratch);
  fixture = openFixtureDb();
});

afterAll(async () => {
  fixture?.close();
  await rm(scratch, { recursive: true, force: true });
});

describe('stratus mlflow', () => {
  it('traces --all-experiments --json: every trace with the tokens MLflow stored, none where no span has usage', async () => {
    const { stdout, code } = await stratus(['mlflow', 'traces', '--tracking-uri', `sqlite:///${dbFile}`, '--all-experiments', '--json']);
    expect(code).toBe(0);
    const traces = JSON.parse(stdout) as TraceJson[];
    const ids = (fixture.prepare('SELECT request_id FROM trace_info').pluck().all() as string[]).sort();
    expect(traces.map((t) => t.trace_id).sort()).toEqual(ids);
    for (const t of traces) {
      expect(t.trace_id).toMatch(/^tr-[0-9a-f]{32}$/);
      const stored = fixture.prepare("SELECT value FROM trace_request_metadata WHERE request_id = ? AND key = 'mlflow.trace.tokenUsage'").pluck().get(t.trace_id) as string | undefined;
      const withUsage = fixture
        .prepare("SELECT COUNT(*) FROM spans WHERE trace_id = ? AND json_extract(content, '$.attributes.\"mlflow.chat.tokenUsage\"') IS NOT NULL")
        .pluck()
        .get(t.trace_id) as number;
      if (stored) expect(t.tokens).toEqual(parseStoredUsage(stored));
      if (withUsage === 0) expect(t).not.toHaveProperty('tokens');
    }
  });

  it('traces --experiment NAME lists that experiment only', async () => {
    const name = fixture.prepare('SELECT e.name FROM experiments e JOIN trace_info t ON t.experiment_id = e.experiment_id LIMIT 1').pluck().get() as string;
    const { stdout, code } = await stratus(['mlflow', 'traces', '--tracking-uri', `sqlite:///${dbFile}`, '--experiment', name, '--json']);
    expect(code).toBe(0);
    const expected = fixture.prepare('SELECT t.request_id FROM trace_info t JOIN experiments e ON e.experiment_id = t.experiment_id WHERE e.name = ?').pluck().all(name) as string[];
    expect((JSON.parse(stdout) as TraceJson[]).map((t) => t.trace_id).sort()).toEqual(expected.sort());
  });

  it('experiments and runs by view', async () => {
    const [experiments, runs] = await Promise.all([
      stratus(['mlflow', 'experiments', '--tracking-uri', `sqlite:///${dbFile}`, '--view', 'deleted', '--json']),
      stratus(['mlflow', 'runs', '--tracking-uri', `sqlite:///${dbFile}`, '--all-experiments', '--view', 'deleted', '--json']),
    ]);
    expect((JSON.parse(experiments.stdout) as { name: string }[]).map((e) => e.name)).toEqual(
      fixture.prepare("SELECT name FROM experiments WHERE lifecycle_stage = 'deleted' ORDER BY experiment_id").pluck().all(),
    );
    expect((JSON.parse(runs.stdout) as { run_id: string }[]).map((r) => r.run_id).sort()).toEqual(
      (fixture.prepare("SELECT run_uuid FROM runs WHERE lifecycle_stage = 'deleted'").pluck().all() as string[]).sort(),
    );
  });

  it('explains what is missing', async () => {
    const [noExperiment, unknown, noUri] = await Promise.all([
      stratus(['mlflow', 'traces', '--tracking-uri', `sqlite:///${dbFile}`]),
      stratus(['mlflow', 'traces', '--tracking-uri', `sqlite:///${dbFile}`, '--experiment', 'no-such-experiment']),
      stratus(['mlflow', 'experiments']),
    ]);
    expect(noExperiment.code).toBe(2);
    expect(noExperiment.stderr).toContain('--all-experiments');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no-such-experiment');
    expect(noUri.code).toBe(2);
    expect(noUri.stderr).toContain('MLFLOW_TRACKING_URI');
  });

  it('sends MLFLOW_TRACKING_TOKEN to the server --tracking-uri names: the user configured it there', async () => {
    const seen: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ experiments: [{ experiment_id: '0', name: 'Default', lifecycle_stage: 'active' }] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const result = await stratus(['mlflow', 'experiments', '--tracking-uri', uri, '--json'], { MLFLOW_TRACKING_TOKEN: 'cli-token-5e2a' });
      expect(result.code, result.stderr).toBe(0);
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.every((a) => a === 'Bearer cli-token-5e2a')).toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
