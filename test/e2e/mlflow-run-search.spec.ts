import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import Papa from 'papaparse';
import { e2eEnvironment } from './environment.js';
import { richestTrace, storedTokenTotals } from './mlflow-facts.js';
import { runsWithParam, runWithTraces } from './mlflow-gap-facts.js';
import { mlflowE2eEnvironment } from './mlflow-setup.js';
import { openExperiment, openMlflowWorkspace } from './mlflow-ui.js';

// Issue 16: the runs table takes MLflow's search grammar (sent to the sqlite source as SQL), says
// where bad grammar goes wrong, and exports what it shows as CSV through a browser download; the
// tokens tab exports its per day × model table the same way.

const env = e2eEnvironment();
const mlflow = mlflowE2eEnvironment();

test('runs search with MLflow grammar, an error with its column, and a CSV export of the matches', async ({ page }) => {
  const { experimentName } = runWithTraces(mlflow.fixtureDb);
  const param = runsWithParam(mlflow.fixtureDb, experimentName);
  await openMlflowWorkspace(page, env, 'MLflow fixture', mlflow.fixtureUri);
  await openExperiment(page, experimentName);
  const search = page.getByRole('searchbox', { name: 'Search runs' });

  await search.fill(`params.\`${param.key}\` = '${param.value}' or params.x = 'y'`);
  await expect(page.getByTestId('run-search-error')).toContainText(/no OR.*column \d+/);

  await search.fill(`params.\`${param.key}\` = '${param.value}'`);
  await expect(page.getByTestId('run-search-error')).toHaveCount(0);
  await search.press('Enter');
  const runsWord = param.count === 1 ? 'run' : 'runs';
  await expect(page.getByTestId('runs-count')).toHaveText(`${param.count} ${runsWord} match`);
  await expect(page.getByTestId('mlflow-run-row')).toHaveCount(param.count);

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('runs-export-csv').click()]);
  expect(download.suggestedFilename()).toMatch(/\.csv$/);
  const csv = await readFile(await download.path(), 'utf8');
  const [header, ...rows] = Papa.parse<string[]>(csv, { skipEmptyLines: true }).data;
  expect(rows).toHaveLength(param.count);
  const column = header.indexOf(`params.${param.key}`);
  expect(column).toBeGreaterThan(0);
  for (const row of rows) expect(row[column].replace(/^'(?=[=+\-@\t\r])/, '')).toBe(param.value);
});

test('token usage per day and model exports as CSV whose totals add up to the tab’s', async ({ page }) => {
  const experiment = richestTrace(mlflow.fixtureDb).experimentName;
  const stored = storedTokenTotals(mlflow.fixtureDb, experiment);
  await openMlflowWorkspace(page, env, 'MLflow fixture', mlflow.fixtureUri);
  await openExperiment(page, experiment, 'Tokens');
  const view = page.getByTestId('tokens-view');
  await expect(view.getByTestId('tokens-export-csv')).toBeEnabled();

  const [download] = await Promise.all([page.waitForEvent('download'), view.getByTestId('tokens-export-csv').click()]);
  const [header, ...rows] = Papa.parse<string[]>(await readFile(await download.path(), 'utf8'), { skipEmptyLines: true }).data;
  expect(header).toEqual(['day', 'model', 'traces', 'input_tokens', 'output_tokens', 'total_tokens']);
  const sum = (name: string) => rows.reduce((n, r) => n + Number(r[header.indexOf(name)]), 0);
  expect(sum('input_tokens')).toBe(stored.input);
  expect(sum('output_tokens')).toBe(stored.output);
  expect(sum('total_tokens')).toBe(stored.total);
});
