import { expect, test } from '@playwright/test';
import { formatCount } from '../../renderer/src/format.js';
import { e2eEnvironment } from './environment.js';
import { errorTrace, richestTrace, traceCount } from './mlflow-facts.js';
import { mlflowE2eEnvironment } from './mlflow-setup.js';
import { openExperiment, openMlflowWorkspace } from './mlflow-ui.js';

const env = e2eEnvironment();
const mlflow = mlflowE2eEnvironment();

test('traces list → a trace with its span tree, chat messages and token totals', async ({ page }) => {
  const trace = richestTrace(mlflow.fixtureDb);
  const stored = trace.stored;
  if (stored === null) throw new Error('richestTrace picks a trace with stored usage');
  await openMlflowWorkspace(page, env, 'MLflow fixture', mlflow.fixtureUri);
  await openExperiment(page, trace.experimentName, 'Traces');

  await expect(page.getByTestId('traces-count')).toHaveText(`${formatCount(traceCount(mlflow.fixtureDb, trace.experimentName))} traces`);
  const row = page.locator(`[data-testid="trace-row"][data-trace-id="${trace.traceId}"]`);
  await expect(row.getByTestId('trace-total-tokens')).toHaveText(formatCount(stored.total));
  await page.screenshot({ path: '/tmp/stratus-mlflow-traces.png' });
  await row.getByTestId('trace-open').click();

  const view = page.getByTestId('trace-view');
  await expect(view.getByTestId('trace-name')).toHaveText(trace.name);
  await expect(view.getByTestId('span-row')).toHaveCount(trace.spanCount);
  await expect(view.getByTestId('trace-tokens-input')).toHaveText(formatCount(stored.input));
  await expect(view.getByTestId('trace-tokens-output')).toHaveText(formatCount(stored.output));
  await expect(view.getByTestId('trace-tokens-total')).toHaveText(formatCount(stored.total));

  // A chat-model span shows its request and answer as messages, with its own token usage.
  await view.locator('[data-testid="span-row"]', { hasText: 'CHAT_MODEL' }).first().click();
  const detail = view.getByTestId('span-detail');
  await expect(detail.getByTestId('span-inputs').locator('[data-testid="chat-message"][data-role="user"]')).not.toHaveCount(0);
  await expect(detail.getByTestId('span-outputs').locator('[data-testid="chat-message"][data-role="assistant"]')).not.toHaveCount(0);
  await expect(detail.getByTestId('span-tokens')).toContainText('total');
  await page.screenshot({ path: '/tmp/stratus-mlflow-trace.png', fullPage: true });
});

test('the state filter lists error traces, and an error trace shows its exception', async ({ page }) => {
  const trace = errorTrace(mlflow.fixtureDb);
  await openMlflowWorkspace(page, env, 'MLflow fixture', mlflow.fixtureUri);
  await openExperiment(page, trace.experimentName, 'Traces');

  await page.getByTestId('trace-filter').getByRole('checkbox', { name: 'ERROR' }).check();
  const rows = page.getByTestId('trace-row');
  await expect(rows.locator(`[data-trace-id="${trace.traceId}"]`).or(page.locator(`[data-testid="trace-row"][data-trace-id="${trace.traceId}"]`))).toBeVisible();
  await expect(page.locator('[data-testid="trace-row"]:not([data-state="ERROR"])')).toHaveCount(0);
  await page.locator(`[data-testid="trace-row"][data-trace-id="${trace.traceId}"]`).getByTestId('trace-open').click();

  const view = page.getByTestId('trace-view');
  await expect(view.getByTestId('trace-state')).toHaveText('error');
  await expect(view.locator('[data-testid="span-row"][data-status="ERROR"]')).not.toHaveCount(0);
  // The first failing span is selected on open.
  const exception = view.getByTestId('span-detail').getByTestId('span-exception').first();
  await expect(exception).toContainText(trace.exceptionType);
  await expect(exception).toContainText(trace.exceptionMessage);
});
