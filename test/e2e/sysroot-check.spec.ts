import { expect, test, type Page } from '@playwright/test';
import { readManifest } from '../harness/metaflow-fixture.js';
import { e2eEnvironment, FIXTURE_PROFILE } from './environment.js';
import { openWithNoSavedWorkspaces, startNewWorkspace } from './workspace-ui.js';

// The sysroot is checked against the data (issue 20): one level too high or too low, the form says so
// and offers the sysroot that holds the flows in one click; opened anyway, the workspace says it too.

const env = e2eEnvironment();
const container = env.sysroot.split('/')[0];

async function firstFlow(): Promise<string> {
  const manifest = await readManifest();
  const prefix = `${env.sysroot.slice(container.length + 1)}/`;
  const name = manifest.blobs.map((b) => b.name).find((n) => n.startsWith(prefix));
  if (!name) throw new Error('the fixture has no blob under its sysroot');
  return name.slice(prefix.length).split('/')[0];
}

async function connectWithoutSaving(page: Page, sysroot: string): Promise<void> {
  await page.goto(env.url);
  await startNewWorkspace(page);
  await page.getByLabel('Sysroot').fill(sysroot);
  await page.getByLabel('Card root').fill(env.cardRoot);
  await page.getByRole('radio', { name: 'From environment' }).check();
  await page.getByRole('button', { name: 'Connect without saving' }).click();
}

test('one level too high: the form says so and "Use" opens the suggested sysroot', async ({ page }) => {
  const flow = await firstFlow();
  await connectWithoutSaving(page, container);
  const warning = page.getByTestId('sysroot-warning');
  await expect(warning).toContainText('do not look like Metaflow flows');
  await expect(warning).toContainText(env.sysroot.slice(container.length + 1));
  // Still on the form: nothing was opened as if it were right.
  await expect(page.getByRole('heading', { name: 'New workspace', exact: true })).toBeVisible();
  await page.screenshot({ path: '/tmp/stratus-sysroot-form.png', fullPage: true });
  await warning.getByRole('button', { name: `Use ${env.sysroot}` }).click();
  await expect(page.getByTestId('workspace-sysroot')).toHaveText(env.sysroot);
  await expect(page.getByTestId('listing').getByRole('button', { name: flow, exact: true })).toBeVisible();
  await expect(page.getByTestId('sysroot-warning')).toHaveCount(0);
});

test('one level too low, opened as it is: the workspace shows the problem and no flows; "Use" reopens on the parent', async ({ page }) => {
  const flow = await firstFlow();
  await connectWithoutSaving(page, `${env.sysroot}/${flow}`);
  const formWarning = page.getByTestId('sysroot-warning');
  await expect(formWarning.getByRole('button', { name: `Use ${env.sysroot}` })).toBeVisible();
  await formWarning.getByRole('button', { name: 'Open as it is' }).click();

  await expect(page.getByTestId('workspace-sysroot')).toHaveText(`${env.sysroot}/${flow}`);
  const banner = page.getByTestId('sysroot-warning');
  await expect(banner).toContainText('do not look like Metaflow flows');
  // The flow's runs are not offered as flows.
  await expect(page.getByText('No flows here')).toBeVisible();
  await page.screenshot({ path: '/tmp/stratus-sysroot-banner.png', fullPage: true });
  await banner.getByRole('button', { name: `Use ${env.sysroot}` }).click();
  await expect(page.getByTestId('workspace-sysroot')).toHaveText(env.sysroot);
  await expect(page.getByTestId('listing').getByRole('button', { name: flow, exact: true })).toBeVisible();
  await expect(page.getByTestId('sysroot-warning')).toHaveCount(0);
});

test('the import card of a profile says which values the environment gave', async ({ page }) => {
  await openWithNoSavedWorkspaces(page, env.url);
  const candidate = page
    .getByTestId('import-candidate')
    .filter({ has: page.getByRole('heading', { name: `Metaflow profile “${FIXTURE_PROFILE}”` }) });
  // The host's environment sets the blob endpoint, the profile too: the environment's wins, as in Metaflow.
  await expect(candidate.getByTestId('import-from-environment')).toHaveCount(1);
  await expect(candidate.getByTestId('import-from-environment')).toContainText('METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT');
  await expect(candidate.getByTestId('import-from-environment')).toContainText('wins over the profile');
});
