import { expect, type Locator, type Page } from '@playwright/test';
import { openWithNoSavedWorkspaces, startNewWorkspace } from './workspace-ui.js';

// Steps the MLflow specs share: a saved workspace naming a tracking store, and the way into an experiment.

/**
 * Saves and connects an Azure workspace on the Metaflow fixture (credential from the host's
 * environment, which reaches the MLflow artifacts in the same Azurite account) whose MLflow
 * tracking URI is `trackingUri`, then opens its MLflow tab.
 */
export async function openMlflowWorkspace(page: Page, env: { url: string; sysroot: string }, name: string, trackingUri: string): Promise<void> {
  await openWithNoSavedWorkspaces(page, env.url);
  await startNewWorkspace(page);
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Sysroot').fill(env.sysroot);
  await page.getByRole('radio', { name: 'From environment' }).check();
  await page.getByLabel('MLflow tracking URI').fill(trackingUri);
  await page.getByRole('button', { name: 'Save and connect' }).click();
  await expect(page.getByTestId('workspace-name')).toHaveText(name);
  await page.getByRole('tab', { name: 'MLflow', exact: true }).click();
  await expect(page.getByTestId('experiments-table')).toBeVisible();
}

export function experimentRow(page: Page, name: string): Locator {
  return page.getByTestId('experiment-row').filter({ has: page.getByRole('button', { name, exact: true }) });
}

/** From the experiments list: one experiment, on the given tab. */
export async function openExperiment(page: Page, name: string, tab: 'Runs' | 'Traces' | 'Tokens' = 'Runs'): Promise<void> {
  await experimentRow(page, name).getByRole('button', { name, exact: true }).click();
  await expect(page.getByRole('navigation', { name: 'MLflow location' }).locator('[aria-current="page"]')).toHaveText(name);
  if (tab !== 'Runs') await page.getByRole('tablist', { name: 'Experiment views' }).getByRole('tab', { name: tab }).click();
}
