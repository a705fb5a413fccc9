import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { repoRoot } from '../harness/repo.js';
import { startWebHost, type WebHostProcess } from './web-host-process.js';
import { currentCrumb, openRun } from './workspace-ui.js';

// The sample workspace's TrainFlow has a task whose exception @catch caught and a run made by `resume` (the shared
// fixture has neither): the caught task is marked in the DAG, the step's tasks and the task view; the resumed run's
// banner names its origin and opens it. What to expect is read from the datastore files the sample wrote.

const FLOW = 'TrainFlow';
let host: WebHostProcess;
let scratch: string;

test.beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'stratus-catch-resume-'));
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(AZURE|METAFLOW|MLFLOW|STRATUS)_/.test(key)) env[key] = value;
  }
  env.STRATUS_USER_DATA = path.join(scratch, 'user-data');
  env.METAFLOW_HOME = path.join(scratch, 'no-metaflow-config');
  host = await startWebHost(repoRoot, env);
});

test.afterAll(async () => {
  await host.stop();
  await rm(scratch, { recursive: true, force: true });
});

const flowDir = () => path.join(scratch, 'user-data', 'sample-workspace', 'metaflow', '.metaflow', FLOW);
const runIds = async () => (await readdir(flowDir())).filter((n) => /^\d+$/.test(n));

/** The run whose `_parameters/0/_resume_done` exists, and the origin its tasks' metadata records. */
async function resumedRun(): Promise<{ run: string; origin: string }> {
  for (const run of await runIds()) {
    const files = await readdir(path.join(flowDir(), run, '_parameters', '0'));
    if (!files.includes('_resume_done')) continue;
    for (const step of await readdir(path.join(flowDir(), run))) {
      for (const task of await readdir(path.join(flowDir(), run, step)).catch(() => [])) {
        const meta = await readdir(path.join(flowDir(), run, step, task, '_meta')).catch(() => [] as string[]);
        const record = meta.find((f) => f.startsWith('sysmeta_origin-run-id_'));
        if (record) return { run, origin: (JSON.parse(await readFile(path.join(flowDir(), run, step, task, '_meta', record), 'utf8')) as { value: string }).value };
      }
    }
  }
  throw new Error('the sample has no resumed run');
}

/** A task whose latest data.json indexes `_catch_exception`. */
async function caughtTask(): Promise<{ run: string; step: string; task: string }> {
  for (const run of await runIds()) {
    for (const step of (await readdir(path.join(flowDir(), run))).filter((s) => !s.startsWith('_'))) {
      for (const task of await readdir(path.join(flowDir(), run, step))) {
        const files = (await readdir(path.join(flowDir(), run, step, task))).filter((f) => f.endsWith('.data.json')).sort();
        const latest = files.at(-1);
        if (!latest) continue;
        const { objects } = JSON.parse(await readFile(path.join(flowDir(), run, step, task, latest), 'utf8')) as { objects: Record<string, string> };
        if ('_catch_exception' in objects) return { run, step, task };
      }
    }
  }
  throw new Error('the sample has no caught task');
}

test('a task whose exception @catch caught is marked though it succeeded; a resumed run names and opens its origin', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto(host.url);
  await page.getByRole('button', { name: 'Open the sample workspace' }).click();
  await expect(page.getByTestId('workspace-name')).toHaveText('Sample workspace');
  const caught = await caughtTask();
  await openRun(page, FLOW, caught.run);
  await expect(page.getByTestId('run-header').getByTestId('run-status')).toHaveText('succeeded');
  const node = page.locator(`[data-testid="dag-node"][data-step="${caught.step}"]`);
  await expect(node).toHaveAttribute('data-status', 'succeeded');
  await expect(node).toHaveAttribute('data-marks', 'caught');
  await expect(page.locator(`[data-testid="timeline-row"][data-task="${caught.step}/${caught.task}"]`).getByTestId('timeline-caught')).toBeVisible();
  await node.click();
  await expect(page.getByTestId('step-tasks').getByTestId('task-caught')).toHaveAttribute('title', /^@catch caught RuntimeError: /);
  await page.getByTestId('step-tasks').getByRole('button', { name: caught.task, exact: true }).click();
  await expect(page.getByTestId('task-status')).toHaveText('succeeded');
  await expect(page.getByTestId('task-caught')).toContainText('@catch caught RuntimeError: ');
  await page.screenshot({ path: testInfo.outputPath('caught-task.png') });

  // The resumed run: its banner names the run it resumed, and opens it.
  await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('button', { name: 'Flows' }).click();
  const { run, origin } = await resumedRun();
  await openRun(page, FLOW, run);
  await expect(page.getByTestId('resumed-origin')).toHaveText(origin);
  await page.getByTestId('resumed-origin').click();
  await expect(currentCrumb(page)).toHaveText(origin);
  await expect(page.getByTestId('run-header').getByTestId('run-status')).toHaveText('failed');
});
