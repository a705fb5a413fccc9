import { expect, test } from '@playwright/test';
import { formatMetric } from '../../renderer/src/mlflow/runs/metric-series.js';
import { e2eEnvironment } from './environment.js';
import { richestTrace } from './mlflow-facts.js';
import { runsToCompare, runsWithParam, runWithTraces, singleValueMetric } from './mlflow-gap-facts.js';
import { mlflowE2eEnvironment } from './mlflow-setup.js';
import { openExperiment, openMlflowWorkspace } from './mlflow-ui.js';

// The MLflow gaps of issue 20, as a data scientist meets them: a search box on the runs, a run page
// that lists its traces, single values shown as values, a compare table, whole trace rows that open,
// and trace search by id.

const env = e2eEnvironment();
const mlflow = mlflowE2eEnvironment();

test('runs search → a run page with its single-value metrics and its linked traces, a row of which opens', async ({ page }) => {
  const run = runWithTraces(mlflow.fixtureDb);
  const param = runsWithParam(mlflow.fixtureDb, run.experimentName);
  const single = singleValueMetric(mlflow.fixtureDb, run.runId);
  await openMlflowWorkspace(page, env, 'MLflow fixture', mlflow.fixtureUri);
  await openExperiment(page, run.experimentName);

  const search = page.getByRole('searchbox', { name: 'Search runs' });
  await expect(search).toHaveAttribute('title', /param, metric or tag/);
  await search.fill(`${param.key}=${param.value}`);
  await expect(page.getByTestId('runs-count')).toHaveText(`${param.count} of ${param.total} runs`);
  await search.fill(run.runId.toUpperCase());
  await expect(page.getByTestId('runs-count')).toHaveText(`1 of ${param.total} runs`);
  const rows = page.getByTestId('mlflow-run-row');
  await expect(rows).toHaveCount(1);
  await search.fill('no run is called this');
  await expect(page.getByTestId('runs-no-match')).toBeVisible();
  await search.fill(run.runId);
  await rows.getByTestId('run-name').click();

  // A metric logged once is a value with its step, not a one-point chart.
  const metric = page.locator(`[data-testid="metric-chart"][data-metric="${single.key}"]`);
  await expect(metric.getByTestId('metric-value')).toContainText(formatMetric(single.value));
  await expect(metric.getByTestId('metric-value')).toContainText(`step ${single.step}`);
  await expect(metric.getByTestId('metric-chart-plot')).toHaveCount(0);

  const traces = page.getByTestId('run-trace');
  await expect(traces).toHaveCount(run.traceIds.length);
  expect((await traces.evaluateAll((els) => els.map((e) => e.getAttribute('data-trace-id')))).sort()).toEqual(run.traceIds);
  await page.screenshot({ path: '/tmp/stratus-mlflow-run-traces.png', fullPage: true });
  // Anywhere on the row, not only the name.
  await traces.first().locator('td').last().click();
  await expect(page.getByTestId('trace-view')).toHaveAttribute('data-trace-id', run.traceIds[0]);
});

test('compare shows runs × metrics with last, min and max, differences highlighted', async ({ page }) => {
  const compared = runsToCompare(mlflow.fixtureDb);
  await openMlflowWorkspace(page, env, 'MLflow fixture', mlflow.fixtureUri);
  await openExperiment(page, compared.experimentName);
  for (const r of compared.runs) await page.getByRole('checkbox', { name: `Select ${r.name} for comparison` }).check();
  await page.getByRole('button', { name: 'Compare', exact: true }).click();

  const table = page.getByTestId('compare-metrics');
  await expect(table.locator('tbody tr')).toHaveCount(compared.keys.length);
  const row = table.locator(`tr[data-metric="${compared.historyKey}"]`);
  for (const [i, r] of compared.runs.entries()) {
    const { min, max } = compared.ranges[i];
    await expect(row.locator(`td[data-run-id="${r.runId}"]`).getByTestId('compare-range')).toHaveText(`min ${formatMetric(min)} · max ${formatMetric(max)}`);
  }
  // Histories are still charted, overlaid, one line per run.
  const chart = page.locator(`[data-testid="metric-chart"][data-metric="${compared.historyKey}"]`);
  await expect(chart.getByTestId('metric-chart-plot')).toBeVisible();
  await expect(chart.locator('.recharts-legend-item')).toHaveCount(2);
  await page.screenshot({ path: '/tmp/stratus-mlflow-compare.png', fullPage: true });
  // A row is highlighted exactly when its last values differ.
  for (const tr of await table.locator('tbody tr').all()) {
    const lasts = await tr.getByTestId('compare-last').allTextContents();
    const cells = await tr.locator('td').count();
    const differs = lasts.length < cells || new Set(lasts).size > 1;
    await expect(tr).toHaveAttribute('data-differs', String(differs));
    if (differs) await expect(tr).toHaveClass(/ml-row--differs/);
  }
});

test('a trace row opens by a click anywhere or by the keyboard, and search finds a trace by its id', async ({ page }) => {
  const trace = richestTrace(mlflow.fixtureDb);
  await openMlflowWorkspace(page, env, 'MLflow fixture', mlflow.fixtureUri);
  await openExperiment(page, trace.experimentName, 'Traces');

  const row = page.locator(`[data-testid="trace-row"][data-trace-id="${trace.traceId}"]`);
  await row.locator('.ml-traces__state').click();
  await expect(page.getByTestId('trace-view')).toHaveAttribute('data-trace-id', trace.traceId);
  await page.getByRole('navigation', { name: 'MLflow location' }).getByRole('button', { name: trace.experimentName }).click();
  await page.getByRole('tablist', { name: 'Experiment views' }).getByRole('tab', { name: 'Traces' }).click();

  await page.getByTestId('trace-filter').getByRole('searchbox', { name: 'Search' }).fill(trace.traceId.toUpperCase());
  await page.getByTestId('trace-filter').getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('trace-row')).toHaveCount(1);
  await page.getByTestId('trace-row').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('trace-view')).toHaveAttribute('data-trace-id', trace.traceId);
});
