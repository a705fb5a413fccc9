import { expect, test, type Locator, type Page, type TestInfo } from '@playwright/test';
import { e2eEnvironment } from './environment.js';
import { FixtureFacts } from './fixture-facts.js';
import { richestTrace } from './mlflow-facts.js';
import { mlflowE2eEnvironment } from './mlflow-setup.js';
import { openExperiment, openMlflowWorkspace } from './mlflow-ui.js';
import { connectToFixture, currentCrumb, openEntry, openWithNoSavedWorkspaces, startNewWorkspace } from './workspace-ui.js';

// The app shell holds at the sizes people use: no page-level scrollbar, the header pinned to the top and
// the transfers bar to the bottom however far the view's own scroll container goes. Screenshots are
// attached for a person to look at; no pixels are compared.

const env = e2eEnvironment();
const mlflow = mlflowE2eEnvironment();

const SIZES = [
  { width: 1024, height: 700 },
  { width: 1440, height: 900 },
];

/** The document itself never scrolls, either way. */
async function expectNoPageScroll(page: Page): Promise<void> {
  const doc = await page.evaluate(() => {
    const el = document.scrollingElement ?? document.documentElement;
    return { scrollHeight: el.scrollHeight, clientHeight: el.clientHeight, scrollWidth: el.scrollWidth, clientWidth: el.clientWidth };
  });
  expect(doc.scrollHeight, 'page-level vertical scroll').toBeLessThanOrEqual(doc.clientHeight);
  expect(doc.scrollWidth, 'page-level horizontal scroll').toBeLessThanOrEqual(doc.clientWidth);
}

interface Edges {
  headerTop: number;
  barTop: number;
  panelBottom: number;
}

async function edges(page: Page): Promise<Edges> {
  const header = await page.locator('header.app-header').boundingBox();
  const panel = page.getByTestId('transfer-panel');
  const bar = await panel.locator('.transfers__bar').boundingBox();
  const whole = await panel.boundingBox();
  if (header === null || bar === null || whole === null) throw new Error('The header and the transfers bar are both on screen.');
  return { headerTop: header.y, barTop: bar.y, panelBottom: whole.y + whole.height };
}

/**
 * The header at the top and the transfers bar at the bottom of the window, before and after the view's
 * scroll container (and, if it could, the page) is scrolled to its end.
 */
async function expectShellHolds(page: Page, view: Locator, name: string, testInfo: TestInfo): Promise<void> {
  const viewport = page.viewportSize();
  if (viewport === null) throw new Error('The spec sets a viewport.');
  await expectNoPageScroll(page);
  const before = await edges(page);
  expect(before.headerTop).toBe(0);
  // The transfers panel (its bar, and its list when open) ends at the window's bottom edge.
  expect(Math.round(before.panelBottom)).toBe(viewport.height);

  // Every scroll container inside the view goes to its end; the page is asked to scroll too.
  await view.evaluate((root) => {
    for (const el of [root, ...Array.from(root.querySelectorAll('*'))]) if (el.scrollHeight > el.clientHeight) el.scrollTop = el.scrollHeight;
    window.scrollTo(0, document.body.scrollHeight);
  });
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  expect(await edges(page)).toEqual(before);
  await expectNoPageScroll(page);
  await testInfo.attach(`${name}-${viewport.width}x${viewport.height}`, { body: await page.screenshot(), contentType: 'image/png' });
}

/** Span rows wholly inside both the span tree's box and the window. */
function visibleSpanRows(view: Locator): Promise<number> {
  return view.getByTestId('span-tree').evaluate((el) => {
    const box = el.getBoundingClientRect();
    const inWindow = { top: Math.max(box.top, 0), bottom: Math.min(box.bottom, window.innerHeight) };
    return Array.from(el.querySelectorAll('[data-testid="span-row"]')).filter((row) => {
      const r = row.getBoundingClientRect();
      return r.height > 0 && r.top >= inWindow.top - 1 && r.bottom <= inWindow.bottom + 1;
    }).length;
  });
}

for (const size of SIZES) {
  test(`at ${size.width}×${size.height} Tokens, a trace and Garbage collection keep the header and transfers bar in place`, async ({ page }, testInfo) => {
    await page.setViewportSize(size);
    const trace = richestTrace(mlflow.fixtureDb);
    await openMlflowWorkspace(page, env, 'MLflow fixture', mlflow.fixtureUri);
    await expectShellHolds(page, page.getByTestId('mlflow-listing'), 'experiments', testInfo);
    await openExperiment(page, trace.experimentName, 'Runs');
    await expectShellHolds(page, page.getByTestId('mlflow-listing'), 'runs', testInfo);
    await page.getByRole('tablist', { name: 'Experiment views' }).getByRole('tab', { name: 'Tokens' }).click();
    const tokens = page.getByTestId('tokens-view');
    await expect(tokens.getByTestId('tokens-top-traces').getByTestId('top-trace').first()).toBeVisible();
    await expectShellHolds(page, page.getByTestId('mlflow-listing'), 'tokens', testInfo);

    await page.getByRole('tablist', { name: 'Experiment views' }).getByRole('tab', { name: 'Traces' }).click();
    await page.locator(`[data-testid="trace-row"][data-trace-id="${trace.traceId}"]`).getByTestId('trace-open').click();
    const view = page.getByTestId('trace-view');
    await expect(view.getByTestId('span-row')).toHaveCount(trace.spanCount);
    // The span tree gets the room the window has: at least ten rows (or all of them) are visible at once.
    const visibleRows = () => visibleSpanRows(view);
    expect(await visibleRows()).toBeGreaterThanOrEqual(Math.min(10, trace.spanCount));
    await expectShellHolds(page, page.getByTestId('mlflow-listing'), 'trace', testInfo);

    // With the transfers panel open at its usual height, the spans still get the room for several rows.
    const toggle = page.getByTestId('transfer-panel').getByRole('button', { name: 'Transfers' });
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');
    expect(await visibleRows()).toBeGreaterThanOrEqual(Math.min(5, trace.spanCount));
    await expectShellHolds(page, page.getByTestId('mlflow-listing'), 'trace-with-transfers', testInfo);
    await toggle.click();

    await page.getByRole('tab', { name: 'Garbage collection' }).click();
    await expect(page.getByTestId('gc-view')).toBeVisible();
    await expectShellHolds(page, page.getByTestId('gc-view'), 'gc', testInfo);
  });
}

test('at 1024×700 the other screens and views have no page-level scrollbar either', async ({ page }, testInfo) => {
  await page.setViewportSize(SIZES[0]);
  const facts = await FixtureFacts.load();
  const [card] = facts.cardTasks('SimpleCardFlow');
  await openWithNoSavedWorkspaces(page, env.url);
  await expectNoPageScroll(page);
  await startNewWorkspace(page);
  await expectNoPageScroll(page);

  await connectToFixture(page, env);
  await expectShellHolds(page, page.getByTestId('listing'), 'flows', testInfo);
  await openEntry(page, 'SimpleCardFlow');
  await expectShellHolds(page, page.getByTestId('listing'), 'runs', testInfo);
  await page.getByTestId('runs-table').getByRole('button', { name: card.run, exact: true }).click();
  await expect(currentCrumb(page)).toHaveText(card.run);
  await expectShellHolds(page, page.getByTestId('listing'), 'run', testInfo);
  await page.locator(`[data-testid="dag-node"][data-step="${card.step}"]`).click();
  await page.getByTestId('step-tasks').getByRole('button', { name: card.task, exact: true }).click();
  await expect(currentCrumb(page)).toHaveText(card.task);
  await expectShellHolds(page, page.getByTestId('listing'), 'task', testInfo);

  await page.getByRole('tab', { name: 'Blobs' }).click();
  await expect(page.getByTestId('blob-row').first()).toBeVisible();
  await expectShellHolds(page, page.getByTestId('listing'), 'blobs', testInfo);
});

test('the transfers panel is resized by dragging its handle and keeps that height the next time', async ({ page }) => {
  await page.setViewportSize(SIZES[1]);
  await connectToFixture(page, env);
  const panel = page.getByTestId('transfer-panel');
  const toggle = panel.getByRole('button', { name: 'Transfers' });
  await toggle.click();
  const body = panel.getByTestId('transfer-body');
  const handle = panel.getByRole('separator', { name: 'Resize transfers' });
  const height = async () => Math.round((await body.boundingBox())?.height ?? 0);
  const before = await height();
  const grip = await handle.boundingBox();
  if (grip === null) throw new Error('The handle is on screen.');
  await page.mouse.move(grip.x + grip.width / 2, grip.y + grip.height / 2);
  await page.mouse.down();
  await page.mouse.move(grip.x + grip.width / 2, grip.y + grip.height / 2 - 120, { steps: 5 });
  await page.mouse.up();
  await expect.poll(height).toBe(before + 120);
  await expect(handle).toHaveAttribute('aria-valuenow', String(before + 120));
  await expectNoPageScroll(page);

  // Opened again in a new page of the same profile: the same height.
  await connectToFixture(page, env);
  await toggle.click();
  await expect.poll(height).toBe(before + 120);
});

test('at 1024×700 a trace of many spans shows a screenful of them, with the transfers panel open too', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  await page.setViewportSize(SIZES[0]);
  await openMlflowWorkspace(page, env, 'MLflow big trace', mlflow.bigTraceUri);
  await page.getByTestId('experiment-row').first().getByRole('button').click();
  await page.getByRole('tablist', { name: 'Experiment views' }).getByRole('tab', { name: 'Traces' }).click();
  await page.getByTestId('trace-open').click();
  const view = page.getByTestId('trace-view');
  await expect(view.getByTestId('span-row').first()).toBeVisible({ timeout: 60_000 });
  // 26 px rows: the tree gets at least a third of the window.
  expect(await visibleSpanRows(view)).toBeGreaterThanOrEqual(9);
  await page.getByTestId('transfer-panel').getByRole('button', { name: 'Transfers' }).click();
  expect(await visibleSpanRows(view)).toBeGreaterThanOrEqual(6);
  await expectShellHolds(page, page.getByTestId('mlflow-listing'), 'big-trace-with-transfers', testInfo);
});
