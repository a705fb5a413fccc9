import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { parseWasbs } from '../../shared/wasbs.js';
import { AZURITE_ACCOUNT_KEY } from '../harness/azurite.js';
import { e2eEnvironment } from './environment.js';
import { openWithNoSavedWorkspaces, savedWorkspace, startNewWorkspace } from './workspace-ui.js';

const env = e2eEnvironment();

/** Valid base64 of the right length, but not Azurite's key: Azurite refuses what it signs. */
const WRONG_KEY = Buffer.alloc(64, 7).toString('base64');

function wasbsErrors(uri: string): string[] {
  const parsed = parseWasbs(uri);
  if (parsed.ok) throw new Error(`${uri} was expected to be rejected`);
  return parsed.errors;
}

test('a wrong account key shows AUTH_FAILED with a hint and an Edit action that fixes it', async ({ page }) => {
  await openWithNoSavedWorkspaces(page, env.url);
  await expect(page.getByTestId('secrets-note')).toContainText('keeps secrets in memory only');
  await startNewWorkspace(page);
  await page.getByLabel('Name', { exact: true }).fill('Wrong key');
  await page.getByLabel('Sysroot').fill(env.sysroot);
  await page.getByRole('radio', { name: 'Account key' }).check();
  await expect(page.getByTestId('secret')).toHaveAttribute('type', 'password');
  await page.getByTestId('secret').fill(WRONG_KEY);
  await page.screenshot({ path: '/tmp/stratus-form.png', fullPage: true });
  await page.getByRole('button', { name: 'Save', exact: true }).click();

  const item = savedWorkspace(page, 'Wrong key');
  await expect(item).toContainText('Account key');
  await item.getByRole('button', { name: 'Connect', exact: true }).click();
  const error = item.getByTestId('error');
  await expect(error).toContainText('AUTH_FAILED');
  await expect(error.getByTestId('error-hint')).toContainText('key');
  await expect(error.getByRole('button', { name: 'Retry' })).toBeEnabled();
  await page.screenshot({ path: '/tmp/stratus-auth-failed.png', fullPage: true });

  await error.getByRole('button', { name: 'Edit workspace' }).click();
  await expect(page.getByRole('heading', { name: 'Edit “Wrong key”' })).toBeVisible();
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Wrong key');
  await expect(page.getByRole('radio', { name: 'Account key' })).toBeChecked();
  await expect(page.getByTestId('secret')).toHaveValue('');
  await expect(page.getByText(/leave empty to keep the stored secret/i)).toBeVisible();
  // The kept secret is main's: connecting without saving needs it typed in.
  await expect(page.getByRole('button', { name: 'Connect without saving' })).toBeDisabled();
  await page.getByTestId('secret').fill(AZURITE_ACCOUNT_KEY);
  await page.getByRole('button', { name: 'Save and connect' }).click();
  await expect(page.getByTestId('workspace-name')).toHaveText('Wrong key');
  await expect(page.getByTestId('listing').getByRole('button', { name: 'ArtifactTypesFlow', exact: true })).toBeVisible();
});

test('pasting a wasbs:// URI fills sysroot and endpoint; a bad one shows why', async ({ page }) => {
  await page.goto(env.url);
  await startNewWorkspace(page);
  const wasbs = page.getByLabel('Paste wasbs:// URI');
  await wasbs.fill('wasbs://metaflow-fixture@devstoreaccount1.blob.core.windows.net/ds');
  await expect(page.getByLabel('Sysroot')).toHaveValue('metaflow-fixture/ds');
  await expect(page.getByLabel('Blob endpoint')).toHaveValue('https://devstoreaccount1.blob.core.windows.net');
  await expect(wasbs).toHaveAttribute('aria-invalid', 'false');

  for (const bad of ['wasbs://metaflow-fixture@devstoreaccount1/ds', 'https://devstoreaccount1.blob.core.windows.net/metaflow-fixture/ds']) {
    await wasbs.fill(bad);
    await expect(wasbs).toHaveAttribute('aria-invalid', 'true');
    await expect(page.locator('#wasbs-help').getByRole('listitem')).toHaveText(wasbsErrors(bad));
    // A rejected URI leaves what the last good one filled in.
    await expect(page.getByLabel('Sysroot')).toHaveValue('metaflow-fixture/ds');
  }
});

test('a local folder workspace connects, and Remove asks first, naming it', async ({ page }) => {
  const folder = await mkdtemp(path.join(env.localFolder, 'stratus-e2e-local-'));
  try {
    await openWithNoSavedWorkspaces(page, env.url);
    await startNewWorkspace(page);
    await page.getByLabel('Name', { exact: true }).fill('Scratch folder');
    await page.getByRole('radio', { name: 'Local folder' }).check();
    await page.getByLabel('Folder', { exact: true }).fill('relative/path');
    await expect(page.locator('#path-help')).toContainText('The folder must be an absolute path');
    await page.getByLabel('Folder', { exact: true }).fill(folder);
    await page.getByRole('button', { name: 'Save and connect' }).click();
    await expect(page.getByTestId('workspace-sysroot')).toHaveText(folder);
    await expect(page.getByTestId('workspace-auth')).toHaveText('local folder');
    await expect(page.getByTestId('listing')).toContainText('No flows here: a Metaflow run with this datastore as its sysroot writes its flow here.');

    await page.getByRole('button', { name: 'Workspaces', exact: true }).click();
    const item = savedWorkspace(page, 'Scratch folder');
    await expect(item).toContainText(folder);
    await item.getByRole('button', { name: 'Remove', exact: true }).click();
    const confirm = item.getByRole('group', { name: 'Remove Scratch folder' });
    await expect(confirm).toContainText('Remove “Scratch folder”?');
    await confirm.getByRole('button', { name: 'Keep it' }).click();
    await expect(item).toBeVisible();
    await item.getByRole('button', { name: 'Remove', exact: true }).click();
    await item.getByRole('button', { name: 'Yes, remove' }).click();
    await expect(savedWorkspace(page, 'Scratch folder')).toHaveCount(0);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});

test('settings: the debug logging toggle is saved by the host', async ({ page }) => {
  await page.goto(env.url);
  const toggle = page.getByRole('checkbox', { name: 'Debug logging (Azure SDK)' });
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByRole('dialog', { name: 'Settings' })).toBeVisible();
  await expect(toggle).not.toBeChecked();
  await toggle.check();
  await expect(toggle).toBeEnabled();
  await page.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);

  // A reload drops the renderer's cache: what shows now is what the host kept.
  await page.reload();
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(toggle).toBeChecked();
  await toggle.uncheck();
  await expect(toggle).toBeEnabled();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
});
