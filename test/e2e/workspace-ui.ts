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
