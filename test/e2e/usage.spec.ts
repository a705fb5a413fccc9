import { expect, test, type Page } from '@playwright/test';
import { e2eEnvironment } from './environment.js';
import { connectToFixture } from './workspace-ui.js';

const env = e2eEnvironment();

// The Usage section against the shared fixture: it builds (with progress) on opening, sorts by
// unique bytes both ways, and drills from a flow to its runs and from a run to its steps, the
// address following each level.

async function uniqueValues(page: Page): Promise<number[]> {
  const cells = page.getByTestId('usage-row').locator('[data-column="uniqueBytes"]');
  return (await cells.evaluateAll((els) => els.map((el) => el.getAttribute('data-value')))).map(Number);
}

test('opens Usage, sorts by unique bytes and drills from a flow to a run', async ({ page }) => {
  await connectToFixture(page, env);
  await page.getByRole('tab', { name: 'Usage' }).click();
  await expect(page.getByTestId('usage-view')).toBeVisible();
  await expect(page.getByTestId('usage-built')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('usage-row').first()).toBeVisible();
  await expect(page.getByTestId('usage-treemap')).toBeVisible();

  // Largest unique first by default; a click turns it around, another back.
  const first = await uniqueValues(page);
  expect(first.length).toBeGreaterThan(1);
  expect(first).toEqual([...first].sort((a, b) => b - a));
  await page.getByTestId('usage-sort-uniqueBytes').click();
  const ascending = await uniqueValues(page);
  expect(ascending).toEqual([...first].sort((a, b) => a - b));
  await page.getByTestId('usage-sort-uniqueBytes').click();
  expect(await uniqueValues(page)).toEqual(first);

  // The flow whose two runs share a blob: its runs show shared bytes.
  await page.getByTestId('usage-row').filter({ hasText: 'ArtifactTypesFlow' }).click();
  await expect(page).toHaveURL(/\/usage\/ArtifactTypesFlow$/);
  await expect(page.getByTestId('usage-crumb-flow')).toHaveText('ArtifactTypesFlow');
  const runs = page.getByTestId('usage-row');
  await expect(runs).toHaveCount(2);
  for (const shared of await runs.locator('[data-column="sharedBytes"]').evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-value'))))) {
    expect(shared).toBeGreaterThan(0);
  }
  const runId = await runs.first().getAttribute('data-name');
  await runs.first().click();
  await expect(page).toHaveURL(new RegExp(`/usage/ArtifactTypesFlow/${runId ?? 'missing'}$`));
  await expect(page.getByTestId('usage-crumb-run')).toContainText(runId ?? 'missing');
  await expect(page.getByTestId('usage-row').filter({ hasText: 'start' })).toBeVisible();

  // Back to the flows from the crumbs.
  await page.getByTestId('usage-crumb-flows').click();
  await expect(page.getByTestId('usage-row').filter({ hasText: 'ArtifactTypesFlow' })).toBeVisible();
});
