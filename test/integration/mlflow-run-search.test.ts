import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQuery } from '../../electron/mlflow/queries.js';
import { SqliteStore } from '../../electron/mlflow/sqlite/sqlite-store.js';
import { StratusError } from '../../shared/errors.js';
import { runMatches } from '../../shared/run-filter/evaluate.js';
import { parseRunFilter } from '../../shared/run-filter/parse.js';
import type { MlflowRun } from '../../shared/schemas/mlflow.js';
import { copyMlflowDb } from '../harness/mlflow-fixture.js';

// MLflow's run search on a copy of the fixture's mlflow.db: the sqlite source runs it as SQL, and the
// same search applied in memory (as the file store and the runs table do) to every run must give the
// same runs. The searches are built from the fixture's own values, so they hold on any store.

let scratch: string;
let store: SqliteStore;
let experimentIds: string[];
let all: MlflowRun[];

const search = (filter: string) =>
  store
    .runs(runQuery({ experimentIds, view: 'all', filter }))
    .runs.map((r) => r.runId)
    .sort();
const inMemory = (filter: string) =>
  all
    .filter((r) => runMatches(r, parseRunFilter(filter)))
    .map((r) => r.runId)
    .sort();
const quote = (s: string) => `'${s}'`;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'stratus-run-search-'));
  store = new SqliteStore(await copyMlflowDb(scratch));
  experimentIds = store.experiments('all').map((e) => e.experimentId);
  all = store.runs(runQuery({ experimentIds, view: 'all' })).runs;
});

afterAll(async () => {
  store.close();
  await rm(scratch, { recursive: true, force: true });
});

function searches(): string[] {
  const out: string[] = [];
  const withMetric = all.find((r) => Object.values(r.metrics).some((m) => m.value !== null));
  if (withMetric) {
    const [key, m] = Object.entries(withMetric.metrics).find(([, v]) => v.value !== null) ?? [];
    if (key && m?.value != null) for (const op of ['>', '>=', '<', '<=', '=', '!=']) out.push(`metrics.\`${key}\` ${op} ${m.value}`);
  }
  const withParam = all.find((r) => Object.keys(r.params).length > 0);
  if (withParam) {
    const [key, value] = Object.entries(withParam.params)[0];
    out.push(`params.\`${key}\` = ${quote(value)}`, `params.\`${key}\` != ${quote(value)}`);
    out.push(`params.\`${key}\` LIKE ${quote(`${value.slice(0, 1)}%`)}`, `params.\`${key}\` ILIKE ${quote(`${value.slice(0, 1).toUpperCase()}%`)}`);
    out.push(`params.\`${key}\` LIKE ${quote(`${value.slice(0, 1).toUpperCase()}%`)}`);
  }
  const withTag = all.find((r) => Object.keys(r.tags).some((k) => !k.startsWith('mlflow.')));
  const tagKey = withTag && Object.keys(withTag.tags).find((k) => !k.startsWith('mlflow.'));
  if (withTag && tagKey) out.push(`tags.\`${tagKey}\` = ${quote(withTag.tags[tagKey])}`, `tags.\`${tagKey}\` ilike '%'`);
  const first = all[0];
  out.push(`attributes.status = ${quote(first.status)}`, `run_name LIKE ${quote(`%${first.name.slice(-2)}`)}`, `attributes.run_id IN (${quote(first.runId)}, 'nope')`);
  out.push(`run_id NOT IN (${quote(first.runId)})`);
  const starts = all.map((r) => r.startTime).filter((t): t is number => t !== null).sort((a, b) => a - b);
  const mid = starts[Math.floor(starts.length / 2)];
  out.push(`attributes.start_time >= ${mid}`, `end_time < ${mid}`, `created > ${mid} and attributes.status != 'RUNNING'`);
  if (first.user) out.push(`user_id = ${quote(first.user)}`);
  if (first.artifactUri) out.push(`artifact_uri LIKE ${quote(`${first.artifactUri.slice(0, 8)}%`)}`);
  return out;
}

describe('runs search on the sqlite source', () => {
  it('finds the fixture runs at all', () => {
    expect(all.length).toBeGreaterThan(2);
    expect(searches().length).toBeGreaterThan(15);
  });

  it('gives the same runs as the in-memory evaluator for every kind of clause', () => {
    let narrowing = 0;
    for (const filter of searches()) {
      const got = search(filter);
      expect(got, filter).toEqual(inMemory(filter));
      if (got.length > 0 && got.length < all.length) narrowing++;
    }
    // Most searches must keep some runs and drop others, or the comparison shows nothing.
    expect(narrowing).toBeGreaterThan(8);
  });

  it('pages what matches, not all runs', () => {
    const filter = `run_id NOT IN (${quote(all[0].runId)})`;
    const page = store.runs(runQuery({ experimentIds, view: 'all', filter, maxResults: 2 }));
    expect(page.runs).toHaveLength(2);
    const rest = store.runs(runQuery({ experimentIds, view: 'all', filter, maxResults: 1000, pageToken: page.nextPageToken ?? undefined }));
    expect([...page.runs, ...rest.runs].map((r) => r.runId).sort()).toEqual(inMemory(filter));
  });

  it('treats user text as values, never as SQL', () => {
    expect(search(`params.x = "a' OR 1=1 --"`)).toEqual([]);
    expect(search(`tags.\`x') OR 1=1 --\` = 'a'`)).toEqual([]);
  });

  it('refuses bad grammar with the column before touching the store', () => {
    try {
      runQuery({ experimentIds, filter: "metrics.acc > 1 or params.a = 'b'" });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(StratusError);
      expect((e as StratusError).code).toBe('INVALID_ARGUMENT');
      expect((e as StratusError).message).toMatch(/no OR.*column 17/);
    }
  });
});
