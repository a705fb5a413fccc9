import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mlflowTokensCommand } from '../../electron/cli/mlflow-tokens-command.js';
import { CliFailure } from '../../electron/cli/output.js';
import { TokensLatency, TokensSummary } from '../../shared/schemas/mlflow-tokens.js';
import { parseStoredUsage } from '../../shared/token-usage.js';
import { copyMlflowDb, openFixtureDb } from '../harness/mlflow-fixture.js';

// `stratus mlflow tokens …` on a copy of the shared fixture: the summary it prints is derived from
// MLflow's own stored per-trace totals, read here from the fixture database.

let scratch: string;
let dbFile: string;
let fixture: Database.Database;
const savedUserData = process.env.STRATUS_USER_DATA;

async function run(args: string[]): Promise<string> {
  let out = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    await mlflowTokensCommand(args);
  } finally {
    write.mockRestore();
  }
  return out;
}

/** MLflow's stored totals, summed over the traces of the named experiments. */
function storedTotal(experiments: string[] | 'all'): number {
  const rows = fixture
    .prepare(
      `SELECT m.value FROM trace_request_metadata m JOIN trace_info t ON t.request_id = m.request_id JOIN experiments e ON e.experiment_id = t.experiment_id
       WHERE m.key = 'mlflow.trace.tokenUsage'`,
    )
    .all() as { value: string }[];
  const named = fixture.prepare(
    `SELECT m.value FROM trace_request_metadata m JOIN trace_info t ON t.request_id = m.request_id JOIN experiments e ON e.experiment_id = t.experiment_id
     WHERE m.key = 'mlflow.trace.tokenUsage' AND e.name = ?`,
  );
  const chosen = experiments === 'all' ? rows : experiments.flatMap((name) => named.all(name) as { value: string }[]);
  return chosen.reduce((sum, r) => sum + (parseStoredUsage(r.value)?.total ?? 0), 0);
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'stratus-tokens-cli-'));
  dbFile = await copyMlflowDb(scratch);
  fixture = openFixtureDb();
  process.env.STRATUS_USER_DATA = path.join(scratch, 'user-data');
});

afterAll(async () => {
  fixture.close();
  if (savedUserData === undefined) delete process.env.STRATUS_USER_DATA;
  else process.env.STRATUS_USER_DATA = savedUserData;
  await rm(scratch, { recursive: true, force: true });
});

describe('stratus mlflow tokens', () => {
  it('--json prints the whole summary; its total is the sum of MLflow\u2019s stored totals', async () => {
    const summary = TokensSummary.parse(JSON.parse(await run(['--tracking-uri', `sqlite:///${dbFile}`, '--all-experiments', '--json'])));
    expect(summary.totals.total).toBe(storedTotal('all'));
    expect(summary.mismatches.count).toBe(0);
  });

  it('--experiment keeps to the named experiments', async () => {
    const [{ name }] = fixture
      .prepare("SELECT e.name FROM experiments e JOIN trace_info t ON t.experiment_id = e.experiment_id GROUP BY e.name ORDER BY count(*) DESC LIMIT 1")
      .all() as { name: string }[];
    const summary = TokensSummary.parse(JSON.parse(await run(['--tracking-uri', `sqlite:///${dbFile}`, '--experiment', name, '--json', '--top', '3'])));
    expect(summary.totals.total).toBe(storedTotal([name]));
    expect(summary.topTraces.length).toBeLessThanOrEqual(3);
  });

  it('prints totals and per-model rows as text', async () => {
    const text = await run(['--tracking-uri', `sqlite:///${dbFile}`, '--all-experiments']);
    expect(text).toContain(`tokens: ${storedTotal('all')} `);
    expect(text).toMatch(/^MODEL\s+TRACES\s+INPUT\s+OUTPUT\s+TOTAL\s+CACHED\s+COST\s+PRICE$/m);
  });

  it('prints trace latency percentiles and error counts, in text and under "latency" in JSON', async () => {
    const rows = fixture.prepare("SELECT execution_time_ms AS ms, status FROM trace_info WHERE status IN ('OK', 'ERROR')").all() as { ms: number | null; status: string }[];
    const sorted = rows.flatMap((r) => (r.ms === null ? [] : [r.ms])).sort((a, b) => a - b);
    const rank = (p: number) => sorted[Math.ceil((p / 100) * sorted.length) - 1];
    const errors = rows.filter((r) => r.status === 'ERROR').length;
    const text = await run(['--tracking-uri', `sqlite:///${dbFile}`, '--all-experiments']);
    expect(text).toContain(`latency per trace: p50 ${rank(50)} ms, p90 ${rank(90)} ms, p99 ${rank(99)} ms; errors ${errors} of ${rows.length}`);
    expect(text).toMatch(/^SPAN_TYPE\s+COUNT\s+P50_MS\s+P90_MS\s+P99_MS\s+ERRORS\s+ERROR_RATE$/m);
    const json = JSON.parse(await run(['--tracking-uri', `sqlite:///${dbFile}`, '--all-experiments', '--json'])) as { latency: unknown };
    expect(TokensLatency.parse(json.latency).traces).toMatchObject({ p50: rank(50), p90: rank(90), p99: rank(99), errors, count: rows.length });
  });

  it.each([
    ['no experiments chosen', ['--tracking-uri', 'sqlite:///x.db'], /--experiment NAME/],
    ['both ways of choosing', ['--tracking-uri', 'sqlite:///x.db', '--all-experiments', '--experiment', 'a'], /--experiment NAME/],
    ['a bad date', ['--tracking-uri', 'sqlite:///x.db', '--all-experiments', '--from', 'yesterday'], /--from takes a date/],
    ['an empty range', ['--tracking-uri', 'sqlite:///x.db', '--all-experiments', '--from', '2026-11-20', '--to', '2026-11-19'], /--from must be before --to/],
    ['--top 0', ['--tracking-uri', 'sqlite:///x.db', '--all-experiments', '--top', '0'], /--top takes a number/],
  ])('refuses %s as a usage error', async (_what, args, message) => {
    const failure = await mlflowTokensCommand(args).then(() => undefined, (err: unknown) => err);
    expect(failure).toBeInstanceOf(CliFailure);
    expect((failure as CliFailure).exitCode).toBe(2);
    expect((failure as CliFailure).message).toMatch(message);
  });

  it('names an experiment that does not exist', async () => {
    await expect(run(['--tracking-uri', `sqlite:///${dbFile}`, '--experiment', 'no-such-experiment'])).rejects.toThrow(/no experiment named "no-such-experiment"/);
  });
});
