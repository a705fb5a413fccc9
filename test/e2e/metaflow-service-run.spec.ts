import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { loadMetaflowFixture, type LoadedFixture } from '../harness/metaflow-fixture.js';
import { SERVICE_FIXTURE_DIR, serviceUnavailable, startMetaflowService, type MetaflowService } from '../harness/metaflow-service.js';
import { repoRoot } from '../harness/repo.js';
import { e2eEnvironment } from './environment.js';
import { connectWithService, serviceHostEnv } from './service-host.js';
import { startWebHost, type WebHostProcess } from './web-host-process.js';
import { currentCrumb, openEntry } from './workspace-ui.js';

// A run, its steps and tasks through the team's Metaflow metadata service (the real one, from the fixture's dump),
// in the browser: a task whose worker was killed shows as stale with its last heartbeat, and a retried task shows
// each attempt's outcome as the service recorded it. Which tasks those are is found from the service's REST API.

const unavailable = serviceUnavailable();
test.skip(unavailable !== undefined, unavailable ?? '');

const env = e2eEnvironment();
let service: MetaflowService;
let host: WebHostProcess;
let fixture: LoadedFixture;
let userData: string;

interface Meta {
  field_name: string;
  value: string;
  tags: string[];
}
interface TaskFound {
  flow: string;
  run: string;
  step: string;
  task: string;
  /** attempt number → attempt_ok ("True"/"False"), or undefined when it recorded none. */
  outcomes: Map<number, string | undefined>;
}

async function rest<T>(urlPath: string): Promise<T> {
  return (await (await fetch(`${service.url}${urlPath.replace(/^\//, '')}`)).json()) as T;
}

/** Every task of every run, with its attempts' outcomes from its metadata. */
async function allTasks(): Promise<TaskFound[]> {
  const found: TaskFound[] = [];
  for (const { flow_id: flow } of await rest<{ flow_id: string }[]>('/flows')) {
    for (const { run_number } of await rest<{ run_number: number }[]>(`/flows/${flow}/runs`)) {
      const run = String(run_number);
      const metadata = await rest<(Meta & { step_name: string; task_id: number })[]>(`/flows/${flow}/runs/${run}/metadata`);
      const tasks = new Map<string, TaskFound>();
      for (const row of metadata) {
        const attempt = /^attempt_id:(\d+)$/.exec(row.tags.find((t) => t.startsWith('attempt_id:')) ?? '')?.[1];
        if (attempt === undefined || row.step_name === '_parameters') continue;
        const key = `${row.step_name}/${row.task_id}`;
        const task = tasks.get(key) ?? { flow, run, step: row.step_name, task: String(row.task_id), outcomes: new Map() };
        tasks.set(key, task);
        if (row.field_name === 'attempt') task.outcomes.set(Number(attempt), task.outcomes.get(Number(attempt)));
        if (row.field_name === 'attempt_ok') task.outcomes.set(Number(attempt), row.value);
      }
      found.push(...tasks.values());
    }
  }
  return found;
}

test.beforeAll(async () => {
  test.setTimeout(180_000);
  userData = await mkdtemp(path.join(tmpdir(), 'stratus-e2e-mfsvc-run-'));
  [service, fixture] = await Promise.all([startMetaflowService(), loadMetaflowFixture(env.connectionString, { dir: SERVICE_FIXTURE_DIR })]);
  host = await startWebHost(repoRoot, serviceHostEnv(env, userData, 'alice'));
});

test.afterAll(async () => {
  await host?.stop();
  await service?.stop();
  if (userData !== undefined) await rm(userData, { recursive: true, force: true });
});

test('a killed task is stale with its last heartbeat, and a retried task shows each attempt\'s outcome', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const tasks = await allTasks();
  // Started and never ended: its worker was killed (every heartbeat in the dump is days old).
  const killed = tasks.find((t) => [...t.outcomes.values()].at(-1) === undefined && t.outcomes.size > 0);
  const retried = tasks.find((t) => t.outcomes.size > 1);
  if (!killed || !retried) throw new Error('the fixture has no killed task or no retried task');

  await connectWithService(page, host.url, fixture.sysroot, service.url);
  await openEntry(page, killed.flow);
  await page.getByLabel('Namespace').selectOption('all');
  await page.getByTestId('runs-table').getByRole('button', { name: killed.run, exact: true }).click();
  await expect(currentCrumb(page)).toHaveText(killed.run);
  await expect(page.getByTestId('run-header').getByTestId('run-status')).toHaveText('stale');
  await expect(page.getByTestId('run-heartbeat')).not.toHaveText('none');

  await page.locator(`[data-testid="dag-node"][data-step="${killed.step}"]`).click();
  const row = page.getByTestId('step-tasks').getByRole('button', { name: killed.task, exact: true });
  await expect(row.locator('[data-status]')).toHaveAttribute('data-status', 'stale');
  await row.click();
  await expect(currentCrumb(page)).toHaveText(killed.task);
  await expect(page.getByTestId('task-status')).toHaveAttribute('data-status', 'stale');
  await expect(page.getByTestId('task-heartbeat')).toContainText('heartbeat');
  await expect(page.getByTestId('attempt-option').last()).toHaveAttribute('data-status', 'stale');
  await expect(page.getByText('its heartbeat stopped (its worker is gone)')).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('stale-task.png') });

  // The retried task, by its address (the same workspace, another run).
  const base = page.url().split('/metaflow/')[0];
  await page.goto(`${base}/metaflow/${retried.flow}/${retried.run}/${retried.step}/${retried.task}`);
  await expect(currentCrumb(page)).toHaveText(retried.task);
  const attempts = page.getByTestId('attempt-option');
  await expect(attempts).toHaveCount(retried.outcomes.size);
  const want = [...retried.outcomes.entries()].sort(([a], [b]) => a - b).map(([, ok]) => (ok === 'True' ? 'succeeded' : ok === 'False' ? 'failed' : 'running'));
  for (const [i, status] of want.entries()) await expect(attempts.nth(i)).toHaveAttribute('data-status', status);
});
