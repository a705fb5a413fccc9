import { expect, test, type Page } from '@playwright/test';
import { checkSysroot, sysrootBlobPrefix } from '../../shared/sysroot.js';
import { e2eEnvironment } from './environment.js';
import { artifactNamesInDataJson } from './fixture-blobs.js';
import { FixtureFacts } from './fixture-facts.js';
import { richestTrace } from './mlflow-facts.js';
import { mlflowE2eEnvironment } from './mlflow-setup.js';
import { openExperiment, openMlflowWorkspace } from './mlflow-ui.js';
import { connectToFixture, currentCrumb, openEntry, openRun, openTask } from './workspace-ui.js';

// Every view has an address: a deep link (or a reload) opens the same view, Back and Forward walk
// what the user opened, each section of a workspace is back where it was left, and an address that
// names nothing says so. Places are picked from the fixtures, not written into the test.

const env = e2eEnvironment();
const mlflow = mlflowE2eEnvironment();
const FLOW = 'ArtifactTypesFlow';
let facts: FixtureFacts;

test.beforeAll(async () => {
  facts = await FixtureFacts.load();
});

/** A saved workspace on both fixtures (links name saved workspaces by id), left on its Metaflow flows. */
async function openWorkspace(page: Page): Promise<void> {
  await page.setViewportSize({ width: 1400, height: 900 });
  await openMlflowWorkspace(page, env, 'Routing fixture', mlflow.fixtureUri);
  await section(page, 'Metaflow').click();
}

function section(page: Page, name: string) {
  return page.getByRole('tablist', { name: 'Workspace sections' }).getByRole('tab', { name, exact: true });
}

/** A task of the fixture and one of its artifacts (the first one Metaflow wrote that is not internal). */
async function someArtifact() {
  const run = facts.runs(FLOW)[0];
  const [task] = facts.tasks(FLOW, run, 'start');
  const names = await artifactNamesInDataJson(env.connectionString, env.sysroot, { flow: FLOW, run, step: 'start', task, attempt: 0 });
  const artifact = names.find((n) => !n.startsWith('_'));
  if (artifact === undefined) throw new Error(`${FLOW}/${run}/start/${task} has no artifact of its own`);
  return { run, task, artifact };
}

/** The datastore's first flow folder as a blob prefix, and every level above it. */
function flowPrefixLevels(): { container: string; levels: string[] } {
  const parts = checkSysroot(env.sysroot);
  if (!parts.ok) throw new Error(parts.errors.join(' '));
  const full = `${sysrootBlobPrefix(parts.value)}${FLOW}/`;
  const segments = full.slice(0, -1).split('/');
  return { container: parts.value.container, levels: segments.map((_, i) => `${segments.slice(0, i + 1).join('/')}/`) };
}

async function openBlobPrefix(page: Page, levels: string[]): Promise<void> {
  for (const level of levels) {
    await page.locator(`[data-testid="blob-row"][data-name="${level}"]`).getByTestId('blob-prefix').click();
    await expect(currentCrumb(page)).toHaveText(level.slice(0, -1).split('/').pop() ?? '');
  }
}

/** Leaves the app's current view for its start page, then comes back through the address alone. */
async function reopen(page: Page, url: string): Promise<void> {
  await page.goto(env.url);
  await expect(page.getByRole('heading', { name: 'Routing fixture', exact: true })).toBeVisible();
  await page.goto(url);
  await page.reload();
}

test('a deep link to a task and to an artifact opens that view after a reload', async ({ page }) => {
  const { run, task, artifact } = await someArtifact();
  await openWorkspace(page);
  await openRun(page, FLOW, run);
  await openTask(page, 'start', task);
  const taskUrl = page.url();
  expect(new URL(taskUrl).hash).toContain(`/metaflow/${FLOW}/${run}/start/${task}`);
  await page.getByTestId('artifact-row').getByRole('button', { name: artifact, exact: true }).click();
  await expect(page.getByTestId('artifact-preview')).toBeVisible();
  const artifactUrl = page.url();
  expect(new URL(artifactUrl).hash).toContain(`artifact=${encodeURIComponent(artifact)}`);

  await reopen(page, taskUrl);
  await expect(page.getByTestId('task-view')).toBeVisible();
  await expect(currentCrumb(page)).toHaveText(task);
  await expect(page.getByTestId('artifact-preview')).toHaveCount(0);

  await reopen(page, artifactUrl);
  await expect(currentCrumb(page)).toHaveText(task);
  await expect(page.locator('[data-testid="artifact-row"][aria-selected="true"]').getByTestId('artifact-name')).toHaveText(artifact);
  await expect(page.getByTestId('artifact-preview')).toBeVisible();
});

test('a deep link to a trace, and to a span in it, opens it after a reload', async ({ page }) => {
  const trace = richestTrace(mlflow.fixtureDb);
  await openWorkspace(page);
  await section(page, 'MLflow').click();
  await openExperiment(page, trace.experimentName, 'Traces');
  await page.locator(`[data-testid="trace-row"][data-trace-id="${trace.traceId}"]`).getByTestId('trace-open').click();
  const view = page.getByTestId('trace-view');
  await expect(view.getByTestId('trace-name')).toHaveText(trace.name);
  await expect(view.getByTestId('span-row')).toHaveCount(trace.spanCount);
  const url = page.url();
  // The last span, so it is not the one a trace opens on.
  const last = view.getByTestId('span-row').last();
  const spanId = await last.getAttribute('data-span-id');
  await last.click();
  await expect(view.getByTestId('span-detail')).toHaveAttribute('data-span-id', spanId ?? '');
  const spanUrl = page.url();

  await reopen(page, url);
  await expect(view.getByTestId('trace-name')).toHaveText(trace.name);
  await expect(view.getByTestId('span-row')).toHaveCount(trace.spanCount);
  await reopen(page, spanUrl);
  await expect(view.getByTestId('span-detail')).toHaveAttribute('data-span-id', spanId ?? '');
  // The experiment's name is read back from the store: the link holds only ids.
  await expect(page.getByRole('navigation', { name: 'MLflow location' }).getByRole('button', { name: trace.experimentName })).toBeVisible();
});

test('a deep link to a blob prefix opens it after a reload', async ({ page }) => {
  const { container, levels } = flowPrefixLevels();
  await openWorkspace(page);
  await section(page, 'Blobs').click();
  await expect(page.getByTestId('container-picker')).toHaveValue(container);
  await openBlobPrefix(page, levels);
  const url = page.url();
  const run = facts.runs(FLOW)[0];

  await reopen(page, url);
  await expect(section(page, 'Blobs')).toHaveAttribute('aria-selected', 'true');
  await expect(currentCrumb(page)).toHaveText(FLOW);
  await expect(page.locator(`[data-testid="blob-row"][data-name="${levels.at(-1)}${run}/"]`)).toBeVisible();
});

test('Back and Forward walk the views opened, and stay in the app', async ({ page }) => {
  const run = facts.runs(FLOW)[0];
  await openWorkspace(page);
  await openEntry(page, FLOW);
  await page.getByTestId('runs-table').getByRole('button', { name: run, exact: true }).click();
  await expect(currentCrumb(page)).toHaveText(run);
  await section(page, 'MLflow').click();
  await expect(page.getByTestId('experiments-table')).toBeVisible();

  await page.goBack();
  await expect(currentCrumb(page)).toHaveText(run);
  await page.goBack();
  await expect(currentCrumb(page)).toHaveText(FLOW);
  await expect(page.getByTestId('runs-table')).toBeVisible();
  await page.goBack();
  await expect(currentCrumb(page)).toHaveText('Flows');
  await page.goForward();
  await expect(currentCrumb(page)).toHaveText(FLOW);
  await page.goForward();
  await expect(currentCrumb(page)).toHaveText(run);
  await page.goForward();
  await expect(page.getByTestId('experiments-table')).toBeVisible();
  // Back to the Workspaces page and forward into the open workspace again, without reconnecting it.
  await page.getByRole('button', { name: 'Workspaces', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Routing fixture', exact: true })).toBeVisible();
  await page.goBack();
  await expect(page.getByTestId('experiments-table')).toBeVisible();
  expect(new URL(page.url()).origin).toBe(new URL(env.url).origin);
});

test('each section is back where it was left after switching to another', async ({ page }) => {
  const { run, task } = await someArtifact();
  const trace = richestTrace(mlflow.fixtureDb);
  const { levels } = flowPrefixLevels();
  await openWorkspace(page);
  await openRun(page, FLOW, run);
  await openTask(page, 'start', task);
  await page.getByRole('tab', { name: 'Logs' }).click();

  await section(page, 'MLflow').click();
  await openExperiment(page, trace.experimentName, 'Traces');
  await page.locator(`[data-testid="trace-row"][data-trace-id="${trace.traceId}"]`).getByTestId('trace-open').click();
  await expect(page.getByTestId('trace-view')).toBeVisible();

  await section(page, 'Blobs').click();
  await openBlobPrefix(page, levels);

  await section(page, 'Metaflow').click();
  await expect(currentCrumb(page)).toHaveText(task);
  await expect(page.getByRole('tab', { name: 'Logs' })).toHaveAttribute('aria-selected', 'true');
  await section(page, 'MLflow').click();
  await expect(page.getByTestId('trace-view').getByTestId('trace-name')).toHaveText(trace.name);
  await section(page, 'Blobs').click();
  await expect(currentCrumb(page)).toHaveText(FLOW);
  await section(page, 'Garbage collection').click();
  await section(page, 'Metaflow').click();
  await expect(currentCrumb(page)).toHaveText(task);
});

test('Copy link gives the address of the view, which opens it', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(env.url).origin });
  const run = facts.runs(FLOW)[0];
  await openWorkspace(page);
  await openRun(page, FLOW, run);
  await page.getByTestId('copy-link').click();
  await expect(page.getByTestId('copy-link')).toHaveText('Link copied');
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toBe(page.url());
  await reopen(page, link);
  await expect(currentCrumb(page)).toHaveText(run);
});

test('a workspace opened without saving reopens on reload, and a short address is written in full', async ({ page }) => {
  await connectToFixture(page, env);
  await openEntry(page, FLOW);
  await page.reload();
  await expect(currentCrumb(page)).toHaveText(FLOW);
  await expect(page.getByTestId('workspace-sysroot')).toHaveText(env.sysroot);

  const workspaceId = /#\/w\/([^/]+)\//.exec(page.url())?.[1];
  expect(workspaceId).toBeDefined();
  await page.goto(`${env.url}#/w/${workspaceId}`);
  await expect(currentCrumb(page)).toHaveText('Flows');
  await expect.poll(() => new URL(page.url()).hash).toBe(`#/w/${workspaceId}/metaflow`);
});

test('an address that names no view, or a workspace that is gone, says so and leads back', async ({ page }) => {
  await page.goto(`${env.url}#/w/not-a-workspace/metaflow`);
  await expect(page.getByTestId('route-not-found')).toContainText('Nothing at this address');
  await page.getByRole('button', { name: 'Go to the workspaces' }).click();
  await expect(page.getByRole('button', { name: 'New workspace' })).toBeVisible();

  await page.goto(`${env.url}#/w/00000000-0000-4000-8000-000000000000/metaflow/${FLOW}`);
  await expect(page.getByTestId('workspace-gone')).toBeVisible();
  await page.getByRole('button', { name: 'Go to the workspaces' }).click();
  await expect(page.getByRole('button', { name: 'New workspace' })).toBeVisible();
});
