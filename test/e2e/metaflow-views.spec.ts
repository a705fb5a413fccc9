import { expect, test, type Page } from '@playwright/test';
import { e2eEnvironment } from './environment.js';
import { artifactNamesInDataJson } from './fixture-blobs.js';
import { assignedLiteral, dataFrameColumns, FixtureFacts, flowSource, parameterNames, stepEdges } from './fixture-facts.js';
import { connectToFixture, currentCrumb, openRun, openTask } from './workspace-ui.js';

// The Metaflow views against the fixture: runs table, run view (DAG, timeline, parameters), task view
// (attempts, artifact previews, logs) and cards. Expectations come from the fixture's manifest and flow files.

const env = e2eEnvironment();
let facts: FixtureFacts;

test.beforeAll(async () => {
  facts = await FixtureFacts.load();
});

async function connect(page: Page) {
  await page.setViewportSize({ width: 1400, height: 900 });
  await connectToFixture(page, env);
}

test('the runs of RetryFlow show one succeeded and one failed', async ({ page }, testInfo) => {
  const { finished, unfinished } = facts.runsByOutcome('RetryFlow');
  expect(finished).toHaveLength(1);
  expect(unfinished).toHaveLength(1);

  await connect(page);
  await page.getByTestId('listing').getByRole('button', { name: 'RetryFlow', exact: true }).click();
  const rows = page.getByTestId('run-row');
  await expect(rows).toHaveCount(finished.length + unfinished.length);
  const statusOf = (run: string) => rows.filter({ has: page.getByRole('button', { name: run, exact: true }) }).getByTestId('run-status');
  await expect(statusOf(finished[0])).toHaveText('succeeded');
  await expect(statusOf(unfinished[0])).toHaveText('failed');
  // Blob storage holds no users or tags: the table says so instead of leaving empty cells.
  await expect(page.getByTestId('no-metadata')).toHaveText('User and tags come from Metaflow metadata; this workspace has none.');

  // Sorting by id, both ways; filtering by status.
  const ids = [...finished, ...unfinished].sort();
  await page.getByRole('columnheader', { name: 'Run', exact: true }).getByRole('button').click();
  await expect(page.getByTestId('run-id')).toHaveText(ids);
  await page.getByRole('columnheader', { name: 'Run', exact: true }).getByRole('button').click();
  await expect(page.getByTestId('run-id')).toHaveText([...ids].reverse());
  await page.getByLabel('Status').selectOption('failed');
  await expect(page.getByTestId('run-id')).toHaveText(unfinished);
  await expect(page.getByTestId('run-count')).toHaveText(`1 of ${ids.length} runs`);
  await page.getByLabel('Status').selectOption('all');
  await page.screenshot({ path: testInfo.outputPath('runs-table.png') });

  // A refresh may paint from the local index first; it settles on the same runs, not on a spinner.
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(page.getByTestId('from-index')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Refresh' })).toBeEnabled();
  await expect(rows).toHaveCount(ids.length);
});

test('the ArtifactTypesFlow run view shows its DAG, timeline and parameters', async ({ page }, testInfo) => {
  const source = await flowSource('artifact_types_flow.py');
  const { steps, edges } = stepEdges(source);
  const run = facts.runs('ArtifactTypesFlow')[0];
  expect(edges).toEqual([
    ['start', 'process'],
    ['process', 'end'],
  ]);

  await connect(page);
  await openRun(page, 'ArtifactTypesFlow', run);
  await expect(page.getByTestId('run-header').getByTestId('run-status')).toHaveText('succeeded');
  const nodes = page.getByTestId('dag-node');
  await expect(nodes).toHaveCount(steps.length);
  for (const step of steps) await expect(page.locator(`[data-testid="dag-node"][data-step="${step}"]`)).toHaveAttribute('data-status', 'succeeded');
  const drawn = await page.getByTestId('dag-edge').evaluateAll((paths) => paths.map((p) => [p.getAttribute('data-from'), p.getAttribute('data-to')]));
  expect(drawn.sort()).toEqual([...edges].sort());

  await expect(page.getByTestId('parameter-name')).toHaveCount(parameterNames(source).length);
  expect((await page.getByTestId('parameter-name').allTextContents()).sort()).toEqual(parameterNames(source).sort());
  const tasks = steps.flatMap((step) => facts.tasks('ArtifactTypesFlow', run, step));
  await expect(page.getByTestId('timeline-row')).toHaveCount(tasks.length);
  await expect(page.getByTestId('timeline-bar')).toHaveCount(tasks.length);
  await page.screenshot({ path: testInfo.outputPath('run-view.png'), fullPage: true });

  // The values are stored as artifacts of the `_parameters` pseudo task, which opens like any task.
  await page.getByRole('button', { name: '_parameters task' }).click();
  await expect(currentCrumb(page)).toHaveText('0');
  for (const name of parameterNames(source)) {
    await expect(page.getByTestId('artifact-name').getByText(name, { exact: true })).toHaveCount(1);
  }
});

test('the start task of ArtifactTypesFlow previews its artifacts', async ({ page }, testInfo) => {
  const source = await flowSource('artifact_types_flow.py');
  const run = facts.runs('ArtifactTypesFlow')[0];
  const [task] = facts.tasks('ArtifactTypesFlow', run, 'start');

  await connect(page);
  await openRun(page, 'ArtifactTypesFlow', run);
  await openTask(page, 'start', task);
  const expected = await artifactNamesInDataJson(env.connectionString, env.sysroot, { flow: 'ArtifactTypesFlow', run, step: 'start', task, attempt: 0 });
  await expect(page.getByTestId('artifact-row')).toHaveCount(expected.length);

  const preview = page.getByTestId('artifact-preview');
  await page.getByRole('button', { name: 'an_int', exact: true }).click();
  await expect(preview.getByTestId('preview-scalar')).toContainText(assignedLiteral(source, 'an_int') ?? 'missing');

  await page.getByRole('button', { name: 'df', exact: true }).click();
  await expect(preview.getByTestId('df-column')).toHaveText(dataFrameColumns(source, 'df'));
  await page.screenshot({ path: testInfo.outputPath('task-dataframe.png') });

  await page.getByRole('button', { name: 'big_blob', exact: true }).click();
  const partial = preview.getByTestId('preview-partial');
  await expect(partial).toContainText('preview of');
  await expect(partial.getByRole('button', { name: 'Load all' })).toBeEnabled();
  await expect(preview.getByTestId('preview-bytes')).toBeVisible();
});

test('the flaky task of the successful RetryFlow run shows both attempts and the traceback in stderr', async ({ page }, testInfo) => {
  const source = await flowSource('retry_flow.py');
  const [run] = facts.runsByOutcome('RetryFlow').finished;
  const [task] = facts.tasks('RetryFlow', run, 'flaky');
  const ref = { run, step: 'flaky', task };
  expect(facts.attempts('RetryFlow', ref)).toEqual([0, 1]);
  const message = /raise RuntimeError\("([^"]+)"\)/.exec(source)?.[1];
  if (message === undefined) throw new Error('retry_flow.py raises no RuntimeError');

  await connect(page);
  await openRun(page, 'RetryFlow', run);
  await openTask(page, 'flaky', task);
  const attempts = page.getByTestId('attempt-option');
  await expect(attempts).toHaveCount(2);
  await expect(attempts.nth(0)).toHaveAttribute('data-status', 'failed');
  await expect(attempts.nth(1)).toHaveAttribute('data-status', 'succeeded');
  await expect(page.getByTestId('attempt')).toHaveText('attempt 1');

  await attempts.nth(0).click();
  await expect(page.getByTestId('attempt')).toHaveText('attempt 0');
  await page.getByRole('tab', { name: 'Logs' }).click();
  await page.getByRole('radio', { name: 'stderr' }).click();
  await expect(page.getByTestId('log-line').first()).toBeVisible();
  await page.getByTestId('log-search').fill('Traceback (most recent call last)');
  await expect(page.getByTestId('log-match-count')).toHaveText('1 of 1');
  await expect(page.locator('.log-line--current')).toContainText('Traceback (most recent call last)');
  await page.getByTestId('log-search').fill(`RuntimeError: ${message}`);
  await expect(page.getByTestId('log-match-count')).toHaveText('1 of 1');
  await expect(page.locator('.log-line--current mark')).toHaveText(`RuntimeError: ${message}`);
  await page.screenshot({ path: testInfo.outputPath('task-logs.png') });

  // The retry that succeeded wrote nothing to stderr: that is said, not shown as an error.
  expect(facts.wrote('RetryFlow', ref, 1, 'runtime_stderr.log')).toBe(false);
  await attempts.nth(1).click();
  await expect(page.getByTestId('log-empty')).toHaveText('This attempt wrote no stderr.');
});

test('the SimpleCardFlow start task shows its card in a sandboxed frame', async ({ page }, testInfo) => {
  const [card] = facts.cardTasks('SimpleCardFlow');
  expect(card).toBeDefined();

  await connect(page);
  await openRun(page, 'SimpleCardFlow', card.run);
  await openTask(page, card.step, card.task);
  await page.getByRole('tab', { name: /^Cards/ }).click();
  const frame = page.getByTestId('card-frame');
  await expect(frame).toHaveAttribute('sandbox', 'allow-scripts');
  const sandbox = (await frame.getAttribute('sandbox')) ?? '';
  expect(sandbox.split(/\s+/)).not.toContain('allow-same-origin');
  await expect(page.frameLocator('[data-testid="card-frame"]').getByText('Metaflow card fixture')).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('task-card.png') });
});
