import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { toCsv } from '../../shared/export/csv.js';
import { runsCsv, runsJson } from '../../shared/export/runs-export.js';
import type { MlflowRun } from '../../shared/schemas/mlflow.js';

const parse = (csv: string) => Papa.parse<string[]>(csv, { skipEmptyLines: true }).data;

const run = (over: Partial<MlflowRun>): MlflowRun => ({
  runId: 'r1',
  experimentId: '1',
  name: 'fox',
  status: 'FINISHED',
  lifecycleStage: 'active',
  user: 'ana',
  startTime: Date.UTC(2026, 0, 2),
  endTime: null,
  durationMs: null,
  parentRunId: null,
  artifactUri: null,
  params: {},
  metrics: {},
  tags: {},
  ...over,
});

describe('CSV export', () => {
  it('quotes commas, quotes and line breaks so every cell reads back as written', () => {
    const cells = ['a,b', 'say "hi"', 'two\nlines', 'plain'];
    expect(parse(toCsv(['w', 'x', 'y', 'z'], [cells]))).toEqual([['w', 'x', 'y', 'z'], cells]);
  });

  it('neutralises text a spreadsheet would run as a formula, but keeps negative numbers', () => {
    const csv = toCsv(['a', 'b', 'c', 'd', 'e'], [['=HYPERLINK("http://x")', '+1', '-cmd', '@SUM(A1)', -0.5]]);
    expect(parse(csv)[1]).toEqual(["'=HYPERLINK(\"http://x\")", "'+1", "'-cmd", "'@SUM(A1)", '-0.5']);
  });

  it('exports runs with a column per param, metric and user tag', () => {
    const runs = [
      run({ params: { lr: '0.1' }, metrics: { acc: { value: 0.9, step: 1, timestamp: 1 } }, tags: { team: '=evil()', 'mlflow.user': 'x' } }),
      run({ runId: 'r2', name: 'owl', params: { depth: '3' } }),
    ];
    const [header, first, second] = parse(runsCsv(runs));
    expect(header).toEqual(['run_id', 'experiment_id', 'run_name', 'status', 'user_id', 'start_time', 'end_time', 'duration_ms', 'params.depth', 'params.lr', 'metrics.acc', 'tags.team']);
    expect(first).toEqual(['r1', '1', 'fox', 'FINISHED', 'ana', '2026-01-02T00:00:00.000Z', '', '', '', '0.1', '0.9', "'=evil()"]);
    expect(second.slice(8)).toEqual(['3', '', '', '']);
    expect(JSON.parse(runsJson(runs))[0]).toMatchObject({ run_id: 'r1', params: { lr: '0.1' }, metrics: { acc: 0.9 } });
  });
});
