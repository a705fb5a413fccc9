import { expect, test } from '@playwright/test';
import { e2eEnvironment } from './environment.js';
import { connectToFixture } from './workspace-ui.js';

const env = e2eEnvironment();

// The gc section against the shared fixture. Only plans are made here: the fixture's blobs were all
// written moments ago, inside any grace period, so a plan finds nothing to delete and other specs
// keep their data.

test('plans a Metaflow gc per flow, refuses a grace period under an hour, and lists the plan in past runs', async ({ page }) => {
  await connectToFixture(page, env);
  await page.getByRole('tab', { name: 'Garbage collection' }).click();
  await expect(page.getByTestId('gc-view')).toBeVisible();

  await page.getByTestId('gc-grace').fill('0.5');
  await expect(page.getByText('At least 1 hour')).toBeVisible();
  await expect(page.getByTestId('gc-make-plan')).toBeDisabled();

  await page.getByTestId('gc-grace').fill('168');
  await page.getByTestId('gc-make-plan').click();
  await expect(page.getByTestId('gc-plan-total')).toContainText('0 object(s)');
  // Whether what gc deletes could be undeleted: the account's soft delete, or unknown with why.
  await expect(page.getByTestId('gc-soft-delete')).toHaveText(/Soft delete is (on|off) for this account|Whether deleted blobs can be recovered is unknown/);
  await expect(page.getByTestId('gc-group').filter({ hasText: 'ForeachFlow' })).toBeVisible();
  await expect(page.getByTestId('gc-confirm')).toHaveCount(0);
  await expect(page.getByTestId('gc-history-row').first()).toContainText(env.sysroot);
});
