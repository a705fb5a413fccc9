import { BlobServiceClient } from '@azure/storage-blob';
import { expect, test } from '@playwright/test';
import { generateDatastore } from '../../electron/sample/metaflow-datastore.js';
import { e2eEnvironment } from './environment.js';
import { startNewWorkspace } from './workspace-ui.js';

// A flow never opened before, of a few hundred runs: its rows show from the flow's one listing with statuses
// "…", the list says how many statuses are known (and that a status filter sees only those), the rows scrolled
// to are read first, and every status fills in.

const env = e2eEnvironment();
const CONTAINER = 'e2e-cold-list';
const FLOW = 'ColdListFlow';
const RUNS = 300;

test.beforeAll(async () => {
  test.setTimeout(300_000);
  const container = BlobServiceClient.fromConnectionString(env.connectionString).getContainerClient(CONTAINER);
  // Each run of the spec opens the flow cold: a fresh container, and a host index that never saw it.
  await container.deleteIfExists();
  await container.create();
  await generateDatastore({ container }, { flow: FLOW, runs: RUNS, stepsPerRun: 2, artifactsPerTask: 0, retryEvery: 0, seed: Date.now() % 1000 });
});

test.afterAll(async () => {
  await BlobServiceClient.fromConnectionString(env.connectionString).getContainerClient(CONTAINER).deleteIfExists();
});

test('a cold flow shows its rows, then their statuses, the rows in view first', async ({ page }) => {
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto(env.url);
  await startNewWorkspace(page);
  await page.getByLabel('Sysroot').fill(CONTAINER);
  await page.getByRole('radio', { name: 'From environment' }).check();
  await page.getByRole('button', { name: 'Connect without saving' }).click();
  await expect(page.getByTestId('workspace-sysroot')).toHaveText(CONTAINER);
  await page.getByTestId('listing').getByRole('button', { name: FLOW, exact: true }).click();

  const rows = page.getByTestId('run-row');
  const partial = page.getByTestId('statuses-partial');
  await expect(page.getByTestId('run-count')).toHaveText(`${RUNS} runs`);
  await expect(partial).toContainText(`of ${RUNS} runs known`);
  await expect(rows.first()).toBeVisible();
  await expect(page.locator('[data-testid="run-status"][data-status="reading"]').first()).toHaveText('…');

  // A status filter on the half-read list says so.
  await page.getByLabel('Status').selectOption('failed');
  await expect(page.getByTestId('status-filter-partial')).toContainText(`of ${RUNS} runs are known so far`);
  await page.getByLabel('Status').selectOption('all');

  // The oldest runs, scrolled to, are read before the list is done.
  await page.getByTestId('runs-table').locator('.runs-table__body').evaluate((body) => body.scrollTo(0, body.scrollHeight));
  const last = rows.last();
  await expect(last.getByTestId('run-status')).not.toHaveAttribute('data-status', 'reading', { timeout: 60_000 });
  await expect(partial).toBeVisible();

  await expect(partial).toHaveCount(0, { timeout: 240_000 });
  await expect(page.locator('[data-testid="run-status"][data-status="reading"]')).toHaveCount(0);
  await expect(page.getByTestId('status-filter-partial')).toHaveCount(0);
});
