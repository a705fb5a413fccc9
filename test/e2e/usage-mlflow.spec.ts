import { expect, test } from '@playwright/test';
import Database from 'better-sqlite3';
import { e2eEnvironment } from './environment.js';
import { mlflowE2eEnvironment } from './mlflow-setup.js';
import { openMlflowWorkspace } from './mlflow-ui.js';

// The MLflow part of the usage view (#/w/<id>/usage): experiments sorted by a column, and a drill
// from the experiment with the most runs to its runs. Expectations come from the fixture's database.
// Needs the Usage route of the Metaflow usage work, which mounts <MlflowUsage> for a workspace with
// an MLflow tracking URI.

const env = e2eEnvironment();
const mlflow = mlflowE2eEnvironment();

function runsPerExperiment(): { name: string; runs: number }[] {
  const db = new Database(mlflow.fixtureDb, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare(`SELECT e.name AS name, count(r.run_uuid) AS runs FROM experiments e LEFT JOIN runs r USING (experiment_id) GROUP BY e.experiment_id ORDER BY runs DESC, e.name`)
      .all() as { name: string; runs: number }[];
  } finally {
    db.close();
  }
}

test('the MLflow usage view sorts experiments and drills from an experiment to its runs', async ({ page }) => {
  const facts = runsPerExperiment();
  const most = facts[0];
  expect(most.runs).toBeGreaterThan(facts[1].runs);
  await openMlflowWorkspace(page, env, 'MLflow usage', mlflow.fixtureUri);
  const workspaceId = /#\/w\/([^/?]+)/.exec(page.url())?.[1];
  expect(workspaceId).toBeDefined();
  await page.goto(`${env.url}#/w/${workspaceId}/usage`);

  const view = page.getByTestId('mlflow-usage');
  const table = view.getByTestId('mlflow-usage-experiments');
  await expect(table).toBeVisible();
  await expect(table.getByTestId('mlflow-usage-experiments-row')).toHaveCount(facts.length);
  await expect(view.getByTestId('usage-treemap').first()).toBeVisible();

  await table.getByRole('button', { name: 'Runs', exact: true }).click();
  await expect(table.getByRole('columnheader', { name: /Runs/ })).toHaveAttribute('aria-sort', 'descending');
  const first = table.getByTestId('mlflow-usage-experiments-row').first();
  await expect(first.getByRole('cell').first()).toHaveText(most.name);

  await first.getByRole('button', { name: most.name }).click();
  await expect(view.getByTestId('mlflow-usage-experiment')).toHaveText(most.name);
  await expect(view.getByTestId('mlflow-usage-runs').getByTestId('mlflow-usage-runs-row')).toHaveCount(most.runs);
  await view.getByRole('button', { name: 'All experiments' }).click();
  await expect(table).toBeVisible();
});
