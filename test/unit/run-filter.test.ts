import { describe, expect, it } from 'vitest';
import { runMatches } from '../../shared/run-filter/evaluate.js';
import { looksLikeRunFilter, parseRunFilter, RunFilterError } from '../../shared/run-filter/parse.js';
import type { MlflowRun } from '../../shared/schemas/mlflow.js';

function errorOf(text: string): RunFilterError {
  try {
    parseRunFilter(text);
  } catch (e) {
    if (e instanceof RunFilterError) return e;
    throw e;
  }
  throw new Error(`“${text}” parsed`);
}

const run = (over: Partial<MlflowRun>): MlflowRun => ({
  runId: 'r1',
  experimentId: '1',
  name: 'bright-fox',
  status: 'FINISHED',
  lifecycleStage: 'active',
  user: 'ana',
  startTime: 1000,
  endTime: 2000,
  durationMs: 1000,
  parentRunId: null,
  artifactUri: 'file:///a',
  params: {},
  metrics: {},
  tags: {},
  ...over,
});
const metric = (value: number | null) => ({ value, step: 0, timestamp: 0 });

describe('MLflow run search grammar', () => {
  it('parses metrics, params, tags and attributes joined by AND, case-insensitively', () => {
    expect(parseRunFilter("metrics.acc > 0.9 and params.model = 'x' AND tags.team = \"a\" and attributes.status != 'FAILED'")).toEqual([
      { entity: 'metric', key: 'acc', op: '>', value: 0.9 },
      { entity: 'param', key: 'model', op: '=', value: 'x' },
      { entity: 'tag', key: 'team', op: '=', value: 'a' },
      { entity: 'attribute', key: 'status', op: '!=', value: 'FAILED' },
    ]);
  });

  it('takes backticked and double-quoted names, dotted names, bare attributes and aliases', () => {
    expect(parseRunFilter('metrics.`a b` <= -1e3 and params."lr rate" like \'0.%\' and run_name ilike \'%fox\' and created >= 5')).toEqual([
      { entity: 'metric', key: 'a b', op: '<=', value: -1000 },
      { entity: 'param', key: 'lr rate', op: 'LIKE', value: '0.%' },
      { entity: 'attribute', key: 'run_name', op: 'ILIKE', value: '%fox' },
      { entity: 'attribute', key: 'start_time', op: '>=', value: 5 },
    ]);
    expect(parseRunFilter('tags.mlflow.source.type = \'LOCAL\'')).toEqual([{ entity: 'tag', key: 'mlflow.source.type', op: '=', value: 'LOCAL' }]);
  });

  it('takes IN and NOT IN for run ids', () => {
    expect(parseRunFilter("attributes.run_id IN ('a', 'b') and run_id not in ('c')")).toEqual([
      { entity: 'attribute', key: 'run_id', op: 'IN', values: ['a', 'b'] },
      { entity: 'attribute', key: 'run_id', op: 'NOT IN', values: ['c'] },
    ]);
  });

  it('gives nothing to match for blank text', () => {
    expect(parseRunFilter('   ')).toEqual([]);
  });

  it.each([
    ["metrics.acc > 0.9 or params.model = 'x'", /no OR/, 19],
    ["metrics.acc > '0.9'", /takes a number, not a quoted string/, 15],
    ['params.model = x', /quoted string/, 16],
    ["metrics.acc like '0.%'", /metrics compare with/, 13],
    ["tags.team in ('a')", /only for attributes.run_id/, 11],
    ["attributes.status in ('a')", /only for attributes.run_id/, 19],
    ["colour = 'red'", /not a run attribute/, 1],
    ["widgets.x = 'a'", /not one of metrics, params, tags or attributes/, 1],
    ["params.model = 'x", /never closed/, 16],
    ['metrics.`a b > 1', /backtick opened here is never closed/, 9],
    ["params.a = 'x' and", /ends after AND/, 16],
    ["params.a = 'x' params.b = 'y'", /expected AND/, 16],
    ['metrics.acc', /expected a comparison.*ends/, 12],
    ["params.a not like 'x'", /no NOT LIKE/, 10],
    ['metrics.acc <> 1', /use !=/, 13],
    ["attributes.run_id in ('a' 'b')", /expected “,” or “\)”/, 27],
    ["attributes.start_time like '1'", /is a time/, 23],
  ])('refuses %s with a message and the column', (text, message, column) => {
    const e = errorOf(text);
    expect(e.message).toMatch(message);
    expect(e.column).toBe(column);
    expect(e.message).toContain(`column ${column}`);
  });

  it('tells the grammar from words to look for', () => {
    for (const text of ['metrics.acc > 1', " params.`a b` = 'x'", "attributes.status = 'x'", "status != 'x'", 'start_time>1', "run_name like 'a%'", "RUN_ID IN ('a')"]) {
      expect(looksLikeRunFilter(text), text).toBe(true);
    }
    for (const text of ['lr=0.1', 'bright-fox', 'model=gpt', 'status', '0.9']) expect(looksLikeRunFilter(text), text).toBe(false);
  });

  it('refuses hostile lengths', () => {
    expect(errorOf(`params.a = '${'x'.repeat(5000)}'`).message).toMatch(/longer than/);
  });
});

describe('evaluating a search on runs', () => {
  const match = (r: MlflowRun, text: string) => runMatches(r, parseRunFilter(text));

  it('compares metrics as numbers and needs the metric to be there and not NaN', () => {
    const r = run({ metrics: { acc: metric(0.95), nan: metric(null) } });
    expect(match(r, 'metrics.acc > 0.9')).toBe(true);
    expect(match(r, 'metrics.acc > 0.95')).toBe(false);
    expect(match(r, 'metrics.acc = 0.95')).toBe(true);
    expect(match(r, 'metrics.missing != 1')).toBe(false);
    expect(match(r, 'metrics.nan != 1')).toBe(false);
  });

  it('compares params and tags as strings, LIKE case-sensitively and ILIKE not', () => {
    const r = run({ params: { model: 'GPT-4o', lr: '10' }, tags: { team: 'a' } });
    expect(match(r, "params.model = 'GPT-4o' and tags.team = 'a'")).toBe(true);
    expect(match(r, "params.model like 'GPT%'")).toBe(true);
    expect(match(r, "params.model like 'gpt%'")).toBe(false);
    expect(match(r, "params.model ilike 'gpt-_o'")).toBe(true);
    expect(match(r, "params.lr = '10.0'")).toBe(false);
    expect(match(r, "params.other != 'x'")).toBe(false);
    expect(match(r, "params.model like 'G.T%'")).toBe(false);
  });

  it('compares attributes, times as numbers and run ids by list', () => {
    const r = run({});
    expect(match(r, "attributes.status = 'FINISHED' and run_name = 'bright-fox' and user_id = 'ana'")).toBe(true);
    expect(match(r, 'start_time >= 1000 and end_time < 2001')).toBe(true);
    expect(match(run({ endTime: null }), 'end_time > 0')).toBe(false);
    expect(match(r, "run_id in ('x', 'r1')")).toBe(true);
    expect(match(r, "run_id not in ('r1')")).toBe(false);
  });
});
