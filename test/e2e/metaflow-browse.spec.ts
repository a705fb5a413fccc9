import { expect, test } from '@playwright/test';
import { checkSysroot } from '../../shared/sysroot.js';
import { AZURITE_ACCOUNT_KEY } from '../harness/azurite.js';
import { e2eEnvironment, FIXTURE_PROFILE } from './environment.js';
import { artifactNamesInDataJson } from './fixture-blobs.js';
import { openEntry, openTask, openWithNoSavedWorkspaces, savedWorkspace, startNewWorkspace } from './workspace-ui.js';

const env = e2eEnvironment();

/** Each malformed sysroot, with the message (one of checkSysroot's) that must be listed for it. */
const INVALID_SYSROOTS: { value: string; message: string }[] = [
  { value: '/metaflow-fixture/ds', message: 'A sysroot must not start with "/".' },
  { value: 'metaflow-fixture/ds/', message: 'A sysroot must not end with "/".' },
  { value: 'metaflow-fixture//ds', message: 'A sysroot must not contain "//".' },
  { value: '', message: 'Enter a sysroot of the form <container>/<prefix>.' },
  { value: 'Bad_Container/ds', message: '"Bad_Container" is not a valid container name' },
];

const BY_KEY = 'Fixture by account key';

test('imports the fixture profile, saves and connects, browses to a task’s artifacts, then switches', async ({ page }, testInfo) => {
  await openWithNoSavedWorkspaces(page, env.url);
  const candidate = page
    .getByTestId('import-candidate')
    .filter({ has: page.getByRole('heading', { name: `Metaflow profile “${FIXTURE_PROFILE}”` }) });
  await expect(candidate).toContainText(env.sysroot);
  await expect(candidate).toContainText(env.endpoint);
  await expect(candidate).toContainText(env.cardRoot);
  await candidate.getByRole('button', { name: 'Use' }).click();

  await expect(page.getByLabel('Name', { exact: true })).toHaveValue(FIXTURE_PROFILE);
  await expect(page.getByLabel('Sysroot')).toHaveValue(env.sysroot);
  await expect(page.getByLabel('Blob endpoint')).toHaveValue(env.endpoint);
  await expect(page.getByLabel('Card root')).toHaveValue(env.cardRoot);
  await page.getByRole('radio', { name: 'From environment' }).check();
  await expect(page.getByText('AZURE_STORAGE_CONNECTION_STRING')).toBeVisible();
  await page.getByRole('button', { name: 'Save and connect' }).click();

  await expect(page.getByTestId('workspace-name')).toHaveText(FIXTURE_PROFILE);
  await expect(page.getByTestId('workspace-sysroot')).toHaveText(env.sysroot);
  await expect(page.getByTestId('workspace-auth')).toHaveText('AZURE_STORAGE_CONNECTION_STRING as account devstoreaccount1');
  await page.screenshot({ path: '/tmp/stratus-connected-header.png', clip: { x: 0, y: 0, width: 1280, height: 120 } });

  await openEntry(page, 'ArtifactTypesFlow');
  const run = await page.getByTestId('run-id').first().textContent();
  if (!run) throw new Error('The runs table shows no run id.');
  await openEntry(page, run);
  await expect(page.getByTestId('parameter').first()).toBeVisible();
  await openTask(page, 'start', '1');

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
  await page.screenshot({ path: '/tmp/stratus-connected.png' });

  // The breadcrumb goes back up.
  await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('button', { name: 'Flows' }).click();
  await expect(page.getByTestId('listing').getByRole('button', { name: 'ArtifactTypesFlow', exact: true })).toBeVisible();

  // Back on the Workspaces page the saved one is listed, as it was set up.
  await page.getByRole('button', { name: 'Workspaces', exact: true }).click();
  const fixture = savedWorkspace(page, FIXTURE_PROFILE);
  await expect(fixture).toContainText(env.sysroot);
  await expect(fixture).toContainText(env.endpoint);
  await expect(fixture).toContainText('From environment');

  // A second workspace on the same data, signed in with the account key, to switch to.
  await startNewWorkspace(page);
  await page.getByLabel('Name', { exact: true }).fill(BY_KEY);
  await page.getByLabel('Sysroot').fill(env.sysroot);
  await expect(page.getByLabel('Blob endpoint')).toHaveValue(env.endpoint);
  await page.getByRole('radio', { name: 'Account key' }).check();
  await page.getByTestId('secret').fill(AZURITE_ACCOUNT_KEY);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(savedWorkspace(page, BY_KEY)).toContainText('Account key');
  await page.screenshot({ path: '/tmp/stratus-workspaces.png', fullPage: true });

  await fixture.getByRole('button', { name: 'Connect', exact: true }).click();
  await expect(page.getByTestId('workspace-name')).toHaveText(FIXTURE_PROFILE);
  await page.getByLabel('Switch workspace').selectOption({ label: BY_KEY });
  await expect(page.getByTestId('workspace-name')).toHaveText(BY_KEY);
  await expect(page.getByTestId('workspace-auth')).toHaveText('account key as account devstoreaccount1');
  await expect(page.getByTestId('listing').getByRole('button', { name: 'ArtifactTypesFlow', exact: true })).toBeVisible();
});

test('validates the sysroot as it is typed', async ({ page }) => {
  await page.goto(env.url);
  await startNewWorkspace(page);
  await page.getByLabel('Name', { exact: true }).fill('Sysroot rules');
  const sysroot = page.getByLabel('Sysroot');
  const errors = page.getByTestId('sysroot-errors').getByRole('listitem');
  await expect(page.getByLabel('Blob endpoint')).toHaveValue(env.endpoint);

  for (const { value, message } of INVALID_SYSROOTS) {
    await sysroot.fill(value);
    await expect(errors.filter({ hasText: message }), `message for ${JSON.stringify(value)}`).toHaveCount(1);
    const check = checkSysroot(value);
    await expect(errors).toHaveText(check.ok ? [] : check.errors);
    for (const action of ['Save', 'Save and connect', 'Connect without saving']) {
      await expect(page.getByRole('button', { name: action, exact: true })).toBeDisabled();
    }
  }

  await sysroot.fill(env.sysroot);
  await expect(page.getByTestId('sysroot-errors')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Save and connect' })).toBeEnabled();
});

test('a container that does not exist shows an error with a retry, not a spinner', async ({ page }) => {
  await page.goto(env.url);
  await startNewWorkspace(page);
  await page.getByLabel('Sysroot').fill('no-such-container/ds');
  await page.getByRole('radio', { name: 'From environment' }).check();
  await page.getByRole('button', { name: 'Connect without saving' }).click();
  const error = page.getByTestId('error');
  await expect(error).toContainText('no-such-container');
  await expect(error.getByRole('button', { name: 'Retry' })).toBeEnabled();
  await expect(page.getByTestId('loading')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Connect without saving' })).toBeEnabled();
});
