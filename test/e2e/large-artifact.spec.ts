import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { storeLargeNdarray } from '../../electron/sample/large-ndarray.js';
import { NDARRAY_TYPE } from '../../electron/sample/python-values.js';
import { repoRoot } from '../harness/repo.js';
import { startWebHost, type WebHostProcess } from './web-host-process.js';
import { openRun, openTask } from './workspace-ui.js';

// An artifact larger than Stratus loads whole (a 300 MiB numpy array, added to a task of the sample
// workspace): its preview shows the first values, and instead of "Load all" it names the blob to download.

const FLOW = 'TrainFlow';
const ELEMENTS = 300 * 2 ** 17; // 300 MiB of float64

let host: WebHostProcess;
let scratch: string;

test.beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'stratus-large-artifact-'));
  host = await startWebHost(repoRoot, { ...(process.env as Record<string, string>), STRATUS_USER_DATA: path.join(scratch, 'user-data') });
});

test.afterAll(async () => {
  await host.stop();
  await rm(scratch, { recursive: true, force: true });
});

/** Adds the array as artifact `huge` to the last attempt of the first run's start task; returns the run and the blob. */
async function addHugeArtifact(): Promise<{ run: string; blob: string }> {
  const datastore = path.join(scratch, 'user-data', 'sample-workspace', 'metaflow', '.metaflow');
  const runs = (await readdir(path.join(datastore, FLOW))).filter((name) => /^\d+$/.test(name)).sort();
  const task = path.join(datastore, FLOW, runs[0], 'start', '1');
  const attempts = (await readdir(task)).map((name) => /^(\d+)\.data\.json$/.exec(name)?.[1]).filter((n) => n !== undefined);
  const dataJson = path.join(task, `${Math.max(...attempts.map(Number))}.data.json`);
  const big = await storeLargeNdarray({ folder: datastore }, `${FLOW}/`, ELEMENTS);
  const index = JSON.parse(await readFile(dataJson, 'utf8')) as { objects: Record<string, string>; info: Record<string, unknown> };
  index.objects.huge = big.sha;
  index.info.huge = { size: big.pickleBytes, type: NDARRAY_TYPE, encoding: 'gzip+pickle-v4' };
  await writeFile(dataJson, JSON.stringify(index));
  return { run: runs[0], blob: big.name };
}

test('an artifact too large to load whole previews its start and offers its blob instead of Load all', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto(host.url);
  await page.getByRole('button', { name: 'Open the sample workspace' }).click();
  await expect(page.getByTestId('workspace-name')).toHaveText('Sample workspace');
  const { run, blob } = await addHugeArtifact();

  await openRun(page, FLOW, run);
  await openTask(page, 'start', '1');
  await page.getByRole('button', { name: 'huge', exact: true }).click();
  const preview = page.getByTestId('artifact-preview');
  await expect(preview.getByTestId('preview-ndarray')).toContainText(String(ELEMENTS));
  await expect(preview.getByTestId('preview-too-large')).toContainText(blob);
  await expect(preview.getByRole('button', { name: 'Load all' })).toHaveCount(0);
  await expect(preview.getByRole('button', { name: 'Download pickle' })).toBeDisabled();
  await expect(preview.getByRole('button', { name: 'Download JSON' })).toBeDisabled();
  await page.screenshot({ path: testInfo.outputPath('too-large.png') });
});
