import { expect, test } from '@playwright/test';
import Database from 'better-sqlite3';
import { formatCount, formatDuration } from '../../renderer/src/format.js';
import { e2eEnvironment } from './environment.js';
import { richestTrace } from './mlflow-facts.js';
import { mlflowE2eEnvironment } from './mlflow-setup.js';
import { openExperiment, openMlflowWorkspace } from './mlflow-ui.js';

const env = e2eEnvironment();
const mlflow = mlflowE2eEnvironment();

/** Latency facts of one experiment, read from the store the host serves: nearest-rank trace percentiles, errors, span types. */
function latencyFacts(file: string, experimentName: string) {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const traces = db
      .prepare(
        `SELECT t.execution_time_ms AS ms, t.status AS status FROM trace_info t JOIN experiments e ON e.experiment_id = t.experiment_id
         WHERE e.name = ? AND t.status IN ('OK', 'ERROR')`,
      )
      .all(experimentName) as { ms: number | null; status: string }[];
    const sorted = traces.flatMap((t) => (t.ms === null ? [] : [t.ms])).sort((a, b) => a - b);
    const rank = (p: number) => (sorted.length === 0 ? null : sorted[Math.ceil((p / 100) * sorted.length) - 1]);
    const spanTypes = db
      .prepare(
        `SELECT DISTINCT s.type AS type FROM spans s JOIN experiments e ON e.experiment_id = s.experiment_id
         WHERE e.name = ? AND s.end_time_unix_nano IS NOT NULL`,
      )
      .all(experimentName) as { type: string | null }[];
    return { p50: rank(50), p90: rank(90), p99: rank(99), count: traces.length, errors: traces.filter((t) => t.status === 'ERROR').length, spanTypes: spanTypes.map((s) => s.type ?? '(no type)') };
  } finally {
    db.close();
  }
}

test('the tokens tab shows trace latency percentiles, the error rate, and span latency by type', async ({ page }) => {
  const experiment = richestTrace(mlflow.fixtureDb).experimentName;
  const facts = latencyFacts(mlflow.fixtureDb, experiment);
  await openMlflowWorkspace(page, env, 'MLflow fixture', mlflow.fixtureUri);
  await openExperiment(page, experiment, 'Tokens');

  const panel = page.getByTestId('latency-panel');
  await expect(panel.getByTestId('latency-percentiles')).toHaveText(`${formatDuration(facts.p50)} / ${formatDuration(facts.p90)} / ${formatDuration(facts.p99)}`);
  await expect(panel.getByTestId('latency-error-rate')).toContainText(`${formatCount(facts.errors)} of ${formatCount(facts.count)}`);
  const types = panel.getByTestId('latency-by-span-type').locator('tbody tr');
  await expect(types).toHaveCount(facts.spanTypes.length);
  for (const type of facts.spanTypes) await expect(panel.getByTestId('latency-by-span-type').locator(`tr[data-name="${type}"]`)).toBeVisible();
  await expect(panel.getByTestId('latency-by-day').locator('tbody tr').first()).toBeVisible();
  // The catalog's provenance is stated beside the costs.
  await expect(page.getByTestId('tokens-catalog')).toContainText('catalog of');
});
