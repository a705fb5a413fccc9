import { expect, test, type Page } from '@playwright/test';
import { e2eEnvironment } from './environment.js';
import { FixtureFacts, flowSource, stepEdges } from './fixture-facts.js';
import { connectToFixture, currentCrumb, openEntry, openRun } from './workspace-ui.js';

// What a user sees of failures and retries over the fixture: the flows list's run counts and newest runs, a failed
// run naming the task it stopped at and the exception its code raised (in the runs table and the run view), and a
// retried task's attempts in the DAG and the timeline. Expectations come from the manifest and the flow files.

const env = e2eEnvironment();
let facts: FixtureFacts;

test.beforeAll(async () => {
  facts = await FixtureFacts.load();
});

async function connect(page: Page) {
  await page.setViewportSize({ width: 1400, height: 900 });
  await connectToFixture(page, env);
}

/** The `raise <Type>("<message>")` in a step of a flow file. */
function raisedIn(source: string, step: string): { type: string; message: string } {
  const block = source.split(/@step\s*\n/).find((b) => new RegExp(`^\\s*def ${step}\\(self\\)`).test(b)) ?? '';
  const m = /raise (\w+)\("([^"]+)"\)/.exec(block);
  if (!m) throw new Error(`step ${step} raises nothing`);
  return { type: m[1], message: m[2] };
}

test('the flows list gives each flow its number of runs and its newest run', async ({ page }) => {
  await connect(page);
  const flows = ['ArtifactTypesFlow', 'ForeachFlow', 'RetryFlow'];
  for (const flow of flows) {
    const runs = facts.runs(flow);
    const line = page.getByTestId('listing').getByRole('button', { name: flow, exact: true });
    await expect(line.getByTestId('flow-run-count')).toHaveText(runs.length === 1 ? '1 run' : `${runs.length} runs`);
    const newest = [...runs].sort((a, b) => (BigInt(a) < BigInt(b) ? 1 : -1))[0];
    await expect(line.getByTestId('flow-latest-run')).toHaveText(newest);
    const { finished } = facts.runsByOutcome(flow);
    await expect(line.getByTestId('flow-latest-status')).toHaveText(finished.includes(newest) ? 'succeeded' : 'failed');
  }
});

test('a failed run names the task it stopped at and the exception, in the runs table and the run view', async ({ page }, testInfo) => {
  const source = await flowSource('retry_flow.py');
  const { unfinished } = facts.runsByOutcome('RetryFlow');
  expect(unfinished).toHaveLength(1);
  const run = unfinished[0];
  // The run stopped at the last step (in flow order) that has a task.
  const ran = stepEdges(source).steps.filter((s) => facts.tasks('RetryFlow', run, s).length > 0);
  const step = ran[ran.length - 1];
  const [task] = facts.tasks('RetryFlow', run, step);
  const raised = raisedIn(source, step);

  await connect(page);
  await openEntry(page, 'RetryFlow');
  const row = page.getByTestId('run-row').filter({ has: page.getByRole('button', { name: run, exact: true }) });
  await expect(row.getByTestId('run-failure-step')).toHaveText(step);
  await expect(row.locator('.runs-cell--status')).toHaveAttribute('title', `Failed at ${step}/${task}: ${raised.type}: ${raised.message}`);

  await row.getByRole('button', { name: run, exact: true }).click();
  await expect(currentCrumb(page)).toHaveText(run);
  const note = page.getByTestId('run-failure');
  await expect(note.getByTestId('run-failure-task')).toHaveText(`${step}/${task}`);
  await expect(note.getByTestId('run-failure-exception')).toHaveText(`${raised.type}: ${raised.message}`);
  await note.getByText('Traceback', { exact: true }).click();
  await expect(note.locator('pre')).toContainText(`${raised.type}: ${raised.message}`);
  await page.screenshot({ path: testInfo.outputPath('failed-run.png') });

  await note.getByTestId('run-failure-task').click();
  await expect(currentCrumb(page)).toHaveText(task);
  await expect(page.getByTestId('task-exception')).toContainText(`${raised.type}: ${raised.message}`);
});

test('a retried task shows its attempts in the DAG and the timeline, the failed one red with its exception', async ({ page }) => {
  const source = await flowSource('retry_flow.py');
  const { finished } = facts.runsByOutcome('RetryFlow');
  const run = finished[0];
  const retried = stepEdges(source)
    .steps.flatMap((step) => facts.tasks('RetryFlow', run, step).map((task) => ({ step, task })))
    .filter((ref) => facts.attempts('RetryFlow', { run, ...ref }).length > 1);
  expect(retried).toHaveLength(1);
  const { step, task } = retried[0];
  const attempts = facts.attempts('RetryFlow', { run, step, task });
  const raised = raisedIn(source, step);

  await connect(page);
  await openRun(page, 'RetryFlow', run);
  await expect(page.locator(`[data-testid="dag-node"][data-step="${step}"]`)).toHaveAttribute('data-marks', `${attempts.length} attempts`);
  const row = page.locator(`[data-testid="timeline-row"][data-task="${step}/${task}"]`);
  await expect(row.getByTestId('timeline-attempts')).toHaveText(`${attempts.length} attempts`);
  await expect(row.getByTestId('timeline-bar')).toHaveCount(attempts.length);
  const failedBar = row.locator('[data-testid="timeline-bar"][data-status="failed"]');
  await expect(failedBar).toHaveCount(1);
  await expect(failedBar).toHaveAttribute('title', new RegExp(`${raised.type}: ${raised.message}`));
  // Tasks that ran once carry no attempt count.
  await expect(page.getByTestId('timeline-attempts')).toHaveCount(1);
});

test('the runs table sorts by when runs finished, both ways', async ({ page }) => {
  // The fixture's runs were made one after another (README), so they finished in the order of their ids.
  const runs = facts.runs('RetryFlow').sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
  expect(runs.length).toBeGreaterThan(1);
  await connect(page);
  await openEntry(page, 'RetryFlow');
  const finished = page.getByRole('columnheader', { name: 'Finished', exact: true }).getByRole('button');
  await finished.click();
  await expect(page.getByTestId('run-id')).toHaveText([...runs].reverse());
  await finished.click();
  await expect(page.getByTestId('run-id')).toHaveText(runs);
});
