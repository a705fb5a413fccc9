import { expect, type Locator, type Page } from '@playwright/test';

// Steps through the UI that several specs share. Tests share one host (and its saved workspaces),
// so a test that depends on the list starts by emptying it.

/** The saved workspace listed under `name` on the Workspaces page. */
export function savedWorkspace(page: Page, name: string): Locator {
  return page.getByTestId('saved-workspace').filter({ has: page.getByRole('heading', { name, exact: true }) });
}

/** Opens the app on the Workspaces page and removes every saved workspace, confirming each removal. */
export async function openWithNoSavedWorkspaces(page: Page, url: string): Promise<void> {
  await page.goto(url);
  const saved = page.getByTestId('saved-workspace');
  await expect(page.getByText('No saved workspaces yet').or(saved.first())).toBeVisible();
  for (let left = await saved.count(); left > 0; left--) {
    const first = saved.first();
    await first.getByRole('button', { name: 'Remove', exact: true }).click();
    await first.getByRole('button', { name: 'Yes, remove' }).click();
    await expect(saved).toHaveCount(left - 1);
  }
}

export async function startNewWorkspace(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'New workspace' }).click();
  await expect(page.getByRole('heading', { name: 'New workspace', exact: true })).toBeVisible();
}

/** Opens an entry of the current listing and waits until the breadcrumb shows it as the current level. */
export async function openEntry(page: Page, name: string): Promise<void> {
  await page.getByTestId('listing').getByRole('button', { name, exact: true }).click();
  await expect(page.getByRole('navigation', { name: 'Breadcrumb' }).locator('[aria-current="page"]')).toHaveText(name);
}

/** Connects to the fixture without saving a workspace (credential from the host's environment) and waits for its flows. */
export async function connectToFixture(page: Page, env: { url: string; sysroot: string; cardRoot: string }): Promise<void> {
  await page.goto(env.url);
  await startNewWorkspace(page);
  await page.getByLabel('Sysroot').fill(env.sysroot);
  await page.getByLabel('Card root').fill(env.cardRoot);
  await page.getByRole('radio', { name: 'From environment' }).check();
  await page.getByRole('button', { name: 'Connect without saving' }).click();
  await expect(page.getByTestId('workspace-sysroot')).toHaveText(env.sysroot);
}

/** The breadcrumb's current (last) crumb. */
export function currentCrumb(page: Page): Locator {
  return page.getByRole('navigation', { name: 'Breadcrumb' }).locator('[aria-current="page"]');
}

/** From the flows listing: a flow's runs, then one run's view. */
export async function openRun(page: Page, flow: string, run: string): Promise<void> {
  await openEntry(page, flow);
  await page.getByTestId('runs-table').getByRole('button', { name: run, exact: true }).click();
  await expect(currentCrumb(page)).toHaveText(run);
}

/** From a run view: a step in the DAG, then one of its tasks. */
export async function openTask(page: Page, step: string, task: string): Promise<void> {
  await page.locator(`[data-testid="dag-node"][data-step="${step}"]`).click();
  await expect(currentCrumb(page)).toHaveText(step);
  await page.getByTestId('step-tasks').getByRole('button', { name: task, exact: true }).click();
  await expect(currentCrumb(page)).toHaveText(task);
}
