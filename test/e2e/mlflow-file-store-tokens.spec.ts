import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect, test } from '@playwright/test';
import { formatCount } from '../../renderer/src/format.js';
import { buildFileStore } from '../harness/mlflow-file-store.js';
import { e2eEnvironment } from './environment.js';
import { richestTrace, storedTokenTotals, traceCount } from './mlflow-facts.js';
import { mlflowE2eEnvironment } from './mlflow-setup.js';
import { openExperiment, openMlflowWorkspace } from './mlflow-ui.js';

// A workspace on an MLflow file store (mlruns/, made from the fixture's database): the Tokens tab
// sums its traces from the local trace cache, says how many it holds, and forgets them on Clear.

const env = e2eEnvironment();
const mlflow = mlflowE2eEnvironment();
let scratch: string;
let mlruns: string;

test.beforeAll(async () => {
  // Inside the one folder the host may read (STRATUS_ALLOWED_FOLDERS).
  scratch = await mkdtemp(path.join(env.localFolder, 'mlruns-'));
  mlruns = path.join(scratch, 'mlruns');
  const db = new Database(mlflow.fixtureDb, { readonly: true });
  try {
    await buildFileStore(db, mlruns);
  } finally {
    db.close();
  }
});

test.afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

test('a file store’s tokens come from the trace cache, which Clear trace cache forgets', async ({ page }) => {
  const experiment = richestTrace(mlflow.fixtureDb).experimentName;
  const stored = storedTokenTotals(mlflow.fixtureDb, experiment);
  const traces = traceCount(mlflow.fixtureDb, experiment);
  await openMlflowWorkspace(page, env, 'MLflow file store', mlruns);
  await openExperiment(page, experiment, 'Tokens');

  const view = page.getByTestId('tokens-view');
  await expect(view.getByTestId('tokens-total')).toHaveText(formatCount(stored.total));
  await expect(view.getByTestId('tokens-total-input')).toHaveText(formatCount(stored.input));
  await expect(page.getByTestId('trace-sync-progress')).toHaveText(new RegExp(`^${formatCount(traces)} traces cached`));
  await page.getByRole('button', { name: 'Clear trace cache' }).click();
  await expect(page.getByText(`Forgot ${formatCount(traces)} cached traces; they are read again from the file store.`)).toBeVisible();
});
