import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type Database from 'better-sqlite3';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokensSummary } from '../../shared/schemas/mlflow-tokens.js';
import { copyMlflowDb, openFixtureDb } from '../harness/mlflow-fixture.js';
import { repoRoot } from '../harness/repo.js';

// `stratus mlflow runs --csv [--filter …]` and `stratus mlflow tokens --csv` on a copy of the
// fixture's mlflow.db, from the sources through tsx. Expectations are read from the fixture itself.

const run = promisify(execFile);
let scratch: string;
let dbFile: string;
let fixture: Database.Database;

async function stratus(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  const env = { ...process.env, MLFLOW_TRACKING_URI: `sqlite:///${dbFile}`, STRATUS_USER_DATA: path.join(scratch, 'user-data') };
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'electron/cli/main.ts', ...args], { cwd: repoRoot, env });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

const table = (csv: string) => {
  const [header, ...rows] = Papa.parse<string[]>(csv, { skipEmptyLines: true }).data;
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
};

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'stratus-export-cli-'));
  dbFile = await copyMlflowDb(scratch);
  fixture = openFixtureDb();
});

afterAll(async () => {
  fixture?.close();
  await rm(scratch, { recursive: true, force: true });
});

describe('stratus mlflow export', () => {
  it('runs --csv: a row per run with its params as columns', async () => {
    const { stdout, code, stderr } = await stratus(['mlflow', 'runs', '--all-experiments', '--view', 'all', '--csv']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const rows = table(stdout);
    const ids = (fixture.prepare('SELECT run_uuid FROM runs').pluck().all() as string[]).sort();
    expect(rows.map((r) => r.run_id).sort()).toEqual(ids);
    const params = fixture.prepare('SELECT run_uuid, key, value FROM params').all() as { run_uuid: string; key: string; value: string }[];
    expect(params.length).toBeGreaterThan(0);
    for (const p of params) {
      const cell = rows.find((r) => r.run_id === p.run_uuid)?.[`params.${p.key}`];
      expect(cell?.replace(/^'(?=[=+\-@\t\r])/, '')).toBe(p.value);
    }
  });

  it('runs --filter narrows to the runs MLflow search names', async () => {
    const p = fixture.prepare('SELECT key, value FROM params ORDER BY key, value LIMIT 1').get() as { key: string; value: string };
    const want = (fixture.prepare('SELECT run_uuid FROM params WHERE key = ? AND value = ?').pluck().all(p.key, p.value) as string[]).sort();
    const { stdout, code } = await stratus(['mlflow', 'runs', '--all-experiments', '--view', 'all', '--csv', '--filter', `params.\`${p.key}\` = '${p.value}'`]);
    expect(code).toBe(0);
    expect(table(stdout).map((r) => r.run_id).sort()).toEqual(want);
  });

  it('runs --filter with bad grammar says where, and fails', async () => {
    const { stderr, code } = await stratus(['mlflow', 'runs', '--all-experiments', '--csv', '--filter', "params.a = 'x' or params.b = 'y'"]);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/no OR.*column 16/);
  });

  it('tokens --csv: the per day × model totals of the summary', async () => {
    const json = await stratus(['mlflow', 'tokens', '--all-experiments', '--json']);
    expect(json.code).toBe(0);
    const summary = JSON.parse(json.stdout) as TokensSummary;
    expect(summary.days.length).toBeGreaterThan(0);
    const { stdout, code } = await stratus(['mlflow', 'tokens', '--all-experiments', '--csv']);
    expect(code).toBe(0);
    expect(table(stdout)).toEqual(
      summary.days.map((d) => ({ day: d.day, model: d.model ?? '', traces: String(d.traces), input_tokens: String(d.input), output_tokens: String(d.output), total_tokens: String(d.total) })),
    );
  });
});
