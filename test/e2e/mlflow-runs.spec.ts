import { expect, test } from '@playwright/test';
import { BlobServiceClient } from '@azure/storage-blob';
import { parseWasbs } from '../../shared/wasbs.js';
import { e2eEnvironment } from './environment.js';
import { experimentNames, nestedRun, richestRun } from './mlflow-facts.js';
import { mlflowE2eEnvironment } from './mlflow-setup.js';
import { experimentRow, openExperiment, openMlflowWorkspace } from './mlflow-ui.js';

const env = e2eEnvironment();
const mlflow = mlflowE2eEnvironment();

/** The text of one of the run's artifact files, read from Azurite where MLflow wrote it. */
async function artifactText(artifactUri: string, file: string): Promise<string> {
  const parsed = parseWasbs(artifactUri);
  if (!parsed.ok) throw new Error(`${artifactUri}: ${parsed.errors.join(' ')}`);
  const { container, prefix } = parsed.value;
  const blob = BlobServiceClient.fromConnectionString(env.connectionString).getContainerClient(container).getBlobClient(`${prefix}/${file}`);
  return (await blob.downloadToBuffer()).toString('utf8');
}

test('experiments → runs → a run with its metric chart, params, description and artifact previews', async ({ page }) => {
  const names = experimentNames(mlflow.fixtureDb);
  const run = richestRun(mlflow.fixtureDb);
  await openMlflowWorkspace(page, env, 'MLflow fixture', mlflow.fixtureUri);

  const rows = page.getByTestId('experiment-row');
  await expect(rows).toHaveCount(names.active.length);
  for (const name of names.deleted) await expect(experimentRow(page, name)).toHaveCount(0);
  await page.getByRole('radiogroup', { name: 'Experiments to show' }).getByRole('radio', { name: 'Deleted' }).click();
  await expect(rows).toHaveCount(names.deleted.length);
  await page.getByRole('radiogroup', { name: 'Experiments to show' }).getByRole('radio', { name: 'All' }).click();
  await expect(rows).toHaveCount(names.active.length + names.deleted.length);

  await openExperiment(page, run.experimentName);
  const table = page.getByTestId('mlflow-runs-table');
  await expect(table.locator(`[data-run-id="${run.runId}"]`)).toBeVisible();
  // Every param is a sortable column.
  for (const key of Object.keys(run.params)) await expect(table.getByRole('columnheader', { name: new RegExp(`param ${key}`) })).toBeVisible();
  await page.screenshot({ path: '/tmp/stratus-mlflow-runs.png' });
  await table.locator(`[data-run-id="${run.runId}"]`).getByTestId('run-name').click();

  await expect(page.getByTestId('mlflow-run-name')).toHaveText(run.name);
  const params = page.getByTestId('run-params');
  for (const [key, value] of Object.entries(run.params)) await expect(params.getByRole('row', { name: `${key} ${value}`, exact: true })).toBeVisible();
  expect(run.historyKeys.length).toBeGreaterThan(0);
  for (const key of run.historyKeys) {
    const chart = page.locator(`[data-testid="metric-chart"][data-metric="${key}"]`);
    await expect(chart.getByTestId('metric-chart-plot')).toBeVisible();
    // One line per run, drawn through the whole history.
    await expect(chart.locator('.recharts-line-curve')).toHaveCount(1);
    expect(Number(await chart.getByTestId('metric-chart-plot').getAttribute('data-points'))).toBeGreaterThan(1);
  }
  await page.getByRole('radio', { name: 'By time' }).click();
  await expect(page.locator(`[data-testid="metric-chart"][data-metric="${run.historyKeys[0]}"] .recharts-line-curve`)).toHaveCount(1);

  // Artifacts: a text file, a JSON file (pretty-printed) and an image.
  const entry = (p: string) => page.locator(`[data-testid="artifact-entry"][data-path="${p}"]`);
  await entry('notes').click();
  await entry('notes/summary.txt').click();
  const summary = await artifactText(run.artifactUri, 'notes/summary.txt');
  await expect(page.getByTestId('artifact-text')).toHaveText(summary);
  await entry('config').click();
  await entry('config/params.json').click();
  const json = JSON.stringify(JSON.parse(await artifactText(run.artifactUri, 'config/params.json')), null, 2);
  await expect(page.getByTestId('artifact-json')).toHaveText(json);
  await entry('plots').click();
  await entry('plots/loss_curve.png').click();
  const image = page.getByTestId('artifact-image');
  await expect(image).toBeVisible();
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
  await page.screenshot({ path: '/tmp/stratus-mlflow-run.png', fullPage: true });
});

test('nested runs expand under their parent, and ticked runs compare side by side', async ({ page }) => {
  const nested = nestedRun(mlflow.fixtureDb);
  await openMlflowWorkspace(page, env, 'MLflow fixture', mlflow.fixtureUri);
  await openExperiment(page, nested.experimentName);
  const table = page.getByTestId('mlflow-runs-table');
  const named = (name: string) => table.getByTestId('mlflow-run-row').filter({ has: page.getByRole('button', { name, exact: true }) });
  await expect(named(nested.parent)).toBeVisible();
  for (const child of nested.children) await expect(named(child)).toHaveCount(0);
  await named(nested.parent).getByTestId('run-expand').click();
  for (const child of nested.children) await expect(named(child)).toBeVisible();

  const [first, second] = nested.children;
  await named(first).getByRole('checkbox').check();
  await named(second).getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  const compare = page.getByTestId('mlflow-compare');
  await expect(compare.getByRole('heading', { name: 'Comparing 2 runs' })).toBeVisible();
  // The children log their metric once each: one value per run, named, rather than one-point lines.
  const values = compare.getByTestId('metric-chart').first().getByTestId('metric-value');
  for (const child of [first, second]) await expect(values).toContainText(child);
  await expect(compare.getByTestId('metric-chart-plot')).toHaveCount(0);
});
