import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { repoRoot } from '../harness/repo.js';
import { openExperiment } from './mlflow-ui.js';
import { startWebHost, type WebHostProcess } from './web-host-process.js';
import { currentCrumb, openTask } from './workspace-ui.js';

// A first launch: a host of its own with an empty user-data folder and no Azure, Metaflow or MLflow setup in
// its environment. The start screen offers the sample workspace; every section then has something to show.

let host: WebHostProcess;
let scratch: string;

test.beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'stratus-first-launch-'));
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(AZURE|METAFLOW|MLFLOW|STRATUS)_/.test(key)) env[key] = value;
  }
  env.STRATUS_USER_DATA = path.join(scratch, 'user-data');
  env.METAFLOW_HOME = path.join(scratch, 'no-metaflow-config');
  host = await startWebHost(repoRoot, env);
});

test.afterAll(async () => {
  await host.stop();
  await rm(scratch, { recursive: true, force: true });
});

test('a first launch opens the sample workspace and visits a run, an artifact, a log, a card, a trace and the tokens', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto(host.url);
  await expect(page.getByTestId('sample-offer')).toBeVisible();
  await page.getByRole('button', { name: 'Open the sample workspace' }).click();
  await expect(page.getByTestId('workspace-name')).toHaveText('Sample workspace');

  // Metaflow: flows, a run with failed and succeeded siblings, its DAG, a task's artifacts, logs and card.
  const listing = page.getByTestId('listing');
  await expect(listing.getByRole('button', { name: 'ForeachFlow', exact: true })).toBeVisible();
  await listing.getByRole('button', { name: 'TrainFlow', exact: true }).click();
  const rows = page.getByTestId('run-row');
  await expect(rows.first()).toBeVisible();
  await expect(rows.filter({ has: page.getByTestId('run-status').getByText('failed', { exact: true }) })).not.toHaveCount(0);
  const succeeded = rows.filter({ has: page.getByTestId('run-status').getByText('succeeded', { exact: true }) }).first();
  const run = (await succeeded.getByTestId('run-id').textContent()) ?? '';
  await succeeded.getByRole('button', { name: run, exact: true }).click();
  await expect(currentCrumb(page)).toHaveText(run);
  await expect(page.locator('[data-testid="dag-node"][data-step="end"]')).toBeVisible();

  await openTask(page, 'start', '1');
  await page.getByRole('button', { name: 'features', exact: true }).click();
  await expect(page.getByTestId('artifact-preview').getByTestId('preview-ndarray')).toContainText('24');
  await page.getByRole('tab', { name: 'Logs' }).click();
  await expect(page.getByTestId('log-line').first()).toContainText('start: attempt');
  await page.getByRole('tab', { name: /^Cards/ }).click();
  await expect(page.getByTestId('card-frame')).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('sample-task.png') });

  // MLflow: experiments, an LLM trace with its spans, and token usage over models.
  await page.getByRole('tab', { name: 'MLflow', exact: true }).click();
  await expect(page.getByTestId('experiments-table')).toBeVisible();
  await openExperiment(page, 'llm-support-bot', 'Traces');
  const traceRow = page.getByTestId('trace-row').first();
  await expect(traceRow).toBeVisible();
  await traceRow.getByTestId('trace-open').click();
  await expect(page.getByTestId('trace-view').getByTestId('span-row').first()).toBeVisible();

  await page.getByRole('navigation', { name: 'MLflow location' }).getByRole('button', { name: 'llm-support-bot', exact: true }).click();
  await page.getByRole('tablist', { name: 'Experiment views' }).getByRole('tab', { name: 'Tokens' }).click();
  const tokens = page.getByTestId('tokens-view');
  await expect(tokens.getByTestId('tokens-total')).toHaveText(/^[1-9]/);
  await expect(tokens.getByTestId('tokens-by-model').getByRole('row')).not.toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath('sample-tokens.png') });
});
