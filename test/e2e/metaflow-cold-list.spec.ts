import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { expect, test } from '@playwright/test';
import { generateDatastore } from '../../electron/sample/metaflow-datastore.js';
import { PROFILES } from '../harness/link-sim/profiles.js';
import { startLinkProxy, type LinkProxy } from '../harness/link-sim/proxy.js';
import { repoRoot } from '../harness/repo.js';
import { e2eEnvironment } from './environment.js';
import { serviceHostEnv } from './service-host.js';
import { startWebHost, type WebHostProcess } from './web-host-process.js';
import { startNewWorkspace } from './workspace-ui.js';

// A flow never opened before, of over a hundred runs: its rows show from the flow's one listing with statuses
// "…", the list says how many statuses are known (and that a status filter sees only those), the rows scrolled
// to are read first, and every status fills in. The host reaches Azurite over a satellite's round trip, so each
// status takes long enough to be seen pending, however fast the machine.

const env = e2eEnvironment();
const CONTAINER = 'e2e-cold-list';
const FLOW = 'ColdListFlow';
const RUNS = 120;

let link: LinkProxy | undefined;
let host: WebHostProcess | undefined;
let userData: string | undefined;

test.beforeAll(async () => {
  test.setTimeout(300_000);
  const container = BlobServiceClient.fromConnectionString(env.connectionString).getContainerClient(CONTAINER);
  // Each run of the spec opens the flow cold: a fresh container, and a host index that never saw it.
  await container.deleteIfExists();
  await container.create();
  await generateDatastore({ container }, { flow: FLOW, runs: RUNS, stepsPerRun: 2, artifactsPerTask: 0, retryEvery: 0, seed: Date.now() % 1000 });
  const azurite = new URL(env.endpoint);
  link = await startLinkProxy({ host: azurite.hostname, port: Number(azurite.port) }, PROFILES.satellite);
  const endpoint = link.through(env.endpoint);
  if (!env.connectionString.includes(env.endpoint)) throw new Error('the e2e connection string does not name the e2e endpoint');
  userData = await mkdtemp(path.join(tmpdir(), 'stratus-e2e-cold-list-'));
  host = await startWebHost(repoRoot, {
    ...serviceHostEnv(env, userData, 'alice'),
    AZURE_STORAGE_CONNECTION_STRING: env.connectionString.replace(env.endpoint, endpoint),
    METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT: endpoint,
  });
});

test.afterAll(async () => {
  await host?.stop();
  await link?.close();
  if (userData !== undefined) await rm(userData, { recursive: true, force: true });
  await BlobServiceClient.fromConnectionString(env.connectionString).getContainerClient(CONTAINER).deleteIfExists();
});

test('a cold flow shows its rows, then their statuses, the rows in view first', async ({ page }) => {
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 1400, height: 900 });
  if (!host) throw new Error('the host behind the link did not start');
  await page.goto(host.url);
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
