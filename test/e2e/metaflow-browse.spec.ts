import { expect, test, type Page } from '@playwright/test';
import { checkSysroot } from '../../shared/sysroot.js';
import { e2eEnvironment } from './environment.js';
import { artifactNamesInDataJson } from './fixture-blobs.js';

const env = e2eEnvironment();

/** Each malformed sysroot, with the message (one of checkSysroot's) that must be listed for it. */
const INVALID_SYSROOTS: { value: string; message: string }[] = [
  { value: '/metaflow-fixture/ds', message: 'A sysroot must not start with "/".' },
  { value: 'metaflow-fixture/ds/', message: 'A sysroot must not end with "/".' },
  { value: 'metaflow-fixture//ds', message: 'A sysroot must not contain "//".' },
  { value: '', message: 'Enter a sysroot of the form <container>/<prefix>.' },
  { value: 'Bad_Container/ds', message: '"Bad_Container" is not a valid container name' },
];

async function connect(page: Page, sysroot: string): Promise<void> {
  await page.getByLabel('Sysroot').fill(sysroot);
  await page.getByRole('radio', { name: 'From environment' }).check();
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
}

/** Opens an entry of the current listing and waits until the breadcrumb shows it as the current level. */
async function open(page: Page, name: string): Promise<void> {
  await page.getByTestId('listing').getByRole('button', { name, exact: true }).click();
  await expect(page.getByRole('navigation', { name: 'Breadcrumb' }).locator('[aria-current="page"]')).toHaveText(name);
}

test('validates the sysroot as it is typed, then browses to a task’s artifacts', async ({ page }, testInfo) => {
  await page.goto(env.url);
  const sysroot = page.getByLabel('Sysroot');
  const errors = page.getByTestId('sysroot-errors').getByRole('listitem');
  const connectButton = page.getByRole('button', { name: 'Connect', exact: true });
  await expect(page.getByLabel('Blob endpoint')).toHaveValue(env.endpoint);

  for (const { value, message } of INVALID_SYSROOTS) {
    await sysroot.fill(value);
    await expect(errors.filter({ hasText: message }), `message for ${JSON.stringify(value)}`).toHaveCount(1);
    const check = checkSysroot(value);
    await expect(errors).toHaveText(check.ok ? [] : check.errors);
    await expect(connectButton).toBeDisabled();
  }

  await sysroot.fill(env.sysroot);
  await expect(page.getByTestId('sysroot-errors')).toHaveCount(0);
  await expect(page.getByText('AZURE_STORAGE_CONNECTION_STRING')).toBeVisible();
  await connect(page, env.sysroot);
  await expect(page.getByTestId('workspace-sysroot')).toHaveText(env.sysroot);

  await open(page, 'ArtifactTypesFlow');
  const firstRun = page.getByTestId('listing').getByRole('button').first();
  const run = await firstRun.getAttribute('aria-label');
  if (run === null) throw new Error('A run entry has no accessible name.');
  await open(page, run);
  await expect(page.getByRole('button', { name: '_parameters', exact: true })).toContainText('parameters');
  await open(page, 'start');
  await open(page, '1');

  await expect(page.getByTestId('attempt')).toHaveText('attempt 0');
  const expected = await artifactNamesInDataJson(env.connectionString, env.sysroot, {
    flow: 'ArtifactTypesFlow',
    run,
    step: 'start',
    task: '1',
    attempt: 0,
  });
  expect(expected.length).toBeGreaterThan(0);
  await expect(page.getByTestId('artifact-row')).toHaveCount(expected.length);
  const shown = await page.getByTestId('artifact-name').allTextContents();
  expect([...shown].sort()).toEqual([...expected].sort());
  await page.screenshot({ path: testInfo.outputPath('artifacts.png') });

  // The breadcrumb goes back up.
  await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('button', { name: 'Flows' }).click();
  await expect(page.getByTestId('listing').getByRole('button', { name: 'ArtifactTypesFlow', exact: true })).toBeVisible();
});

test('a container that does not exist shows an error with a retry, not a spinner', async ({ page }) => {
  await page.goto(env.url);
  await connect(page, 'no-such-container/ds');
  const error = page.getByTestId('error');
  await expect(error).toContainText('no-such-container');
  await expect(error.getByRole('button', { name: 'Retry' })).toBeEnabled();
  await expect(page.getByTestId('loading')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Connect', exact: true })).toBeEnabled();
});
