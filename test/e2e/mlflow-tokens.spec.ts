import { expect, test } from '@playwright/test';
import { formatCount } from '../../renderer/src/format.js';
import { e2eEnvironment } from './environment.js';
import { richestTrace, storedTokenTotals } from './mlflow-facts.js';
import { mlflowE2eEnvironment } from './mlflow-setup.js';
import { openExperiment, openMlflowWorkspace } from './mlflow-ui.js';

const env = e2eEnvironment();
const mlflow = mlflowE2eEnvironment();

test('the tokens tab adds up usage, prices a model, and opens a top trace', async ({ page }) => {
  const experiment = richestTrace(mlflow.fixtureDb).experimentName;
  const stored = storedTokenTotals(mlflow.fixtureDb, experiment);
  await openMlflowWorkspace(page, env, 'MLflow fixture', mlflow.fixtureUri);
  await openExperiment(page, experiment, 'Tokens');

  const view = page.getByTestId('tokens-view');
  // The fixture's stored totals agree with its spans, so the app's sums equal MLflow's.
  await expect(view.getByTestId('tokens-total-input')).toHaveText(formatCount(stored.input));
  await expect(view.getByTestId('tokens-total-output')).toHaveText(formatCount(stored.output));
  await expect(view.getByTestId('tokens-total')).toHaveText(formatCount(stored.total));
  await expect(view.getByTestId('tokens-chart').locator('.recharts-bar-rectangle').first()).toBeVisible();
  const modelRow = view.getByTestId('tokens-by-model').getByRole('row').filter({ has: page.getByRole('cell', { name: stored.aModel, exact: true }) });
  await expect(modelRow).toBeVisible();

  // A price for one model turns into a cost.
  const prices = view.getByTestId('price-table');
  const existing = prices.getByRole('textbox', { name: /Model of price row/ });
  if ((await existing.count()) === 0 || !(await existing.evaluateAll((els, m) => els.some((e) => (e as HTMLInputElement).value === m), stored.aModel))) {
    await prices.getByRole('button', { name: 'Add model' }).click();
    await prices.getByRole('textbox', { name: /Model of price row/ }).last().fill(stored.aModel);
  }
  await prices.getByRole('textbox', { name: `Input price of ${stored.aModel}` }).fill('2.5');
  await prices.getByRole('textbox', { name: `Output price of ${stored.aModel}` }).fill('10');
  await prices.getByRole('button', { name: 'Save prices' }).click();
  await expect(view.getByTestId('tokens-cost')).toHaveText(/^\$\d/);
  await expect(modelRow).toContainText('$');
  // The row says the price is the user's, not the catalog's.
  await expect(modelRow).toContainText('yours (all workspaces)');

  // This saved workspace's own price wins over the one for all workspaces; resetting it falls back.
  const own = view.getByTestId('workspace-price-table');
  await own.getByRole('button', { name: 'Add model' }).click();
  await own.getByRole('textbox', { name: /Model of price row/ }).last().fill(stored.aModel);
  await own.getByRole('textbox', { name: `Input price of ${stored.aModel}` }).fill('1');
  await own.getByRole('textbox', { name: `Output price of ${stored.aModel}` }).fill('1');
  await own.getByRole('button', { name: 'Save prices' }).click();
  await expect(modelRow).toContainText('override (this workspace)');
  await own.getByRole('button', { name: 'Reset' }).click();
  await expect(modelRow).toContainText('yours (all workspaces)');
  await expect(own.getByRole('textbox', { name: /Model of price row/ })).toHaveCount(0);

  // The whole row opens its trace, from the keyboard too.
  const top = view.getByTestId('top-trace').first();
  const traceId = await top.getAttribute('data-trace-id');
  await top.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('trace-view')).toHaveAttribute('data-trace-id', traceId ?? '');
});
