import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { expect, test, type Page } from '@playwright/test';
import { formatBytes } from '../../renderer/src/format.js';
import { e2eEnvironment } from './environment.js';
import { dropFile, dropFiles } from './drop.js';
import { connectToFixture } from './workspace-ui.js';

// Browser mode: files dropped from the desktop onto a prefix in the Blobs view stream to the host,
// upload through the transfer engine, show their progress in the activity panel, and then appear
// in the listing with their sizes. A second drop of a name already there asks what to do. A selection
// downloads into a folder typed for the host, and a running job can be paused, resumed and cancelled.

const env = e2eEnvironment();
const PREFIX = 'incoming/';

const FILES = [dropFile('table.csv', Buffer.from('id,value\n1,2\n3,4\n')), dropFile('weights.bin', randomBytes(2_500_000)), dropFile('empty.txt', Buffer.alloc(0))];

/** A container of its own for each test, so a retry starts from an empty one. */
let container: string;
let containerClient: ContainerClient;

/** One call of the contract over the page's own WebSocket to its host (what the app's client does). */
async function hostCall(page: Page, channel: string, args: unknown): Promise<unknown> {
  return page.evaluate(
    ([ch, a]) =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(new URL('ws', location.href.replace(/^http/, 'ws')));
        ws.addEventListener('open', () => ws.send(JSON.stringify({ id: 1, channel: ch, args: a })));
        ws.addEventListener('message', (e) => {
          const frame = JSON.parse(String(e.data)) as { id?: number; reply?: { ok: boolean; value?: unknown; error?: { message: string } } };
          if (frame.id !== 1 || !frame.reply) return;
          ws.close();
          if (frame.reply.ok) resolve(frame.reply.value);
          else reject(new Error(frame.reply.error?.message));
        });
      }),
    [channel, args] as const,
  );
}

/**
 * Runs `steps` with the host's bandwidth cap at 0.5 MiB/s (settings, applied as soon as they are saved), so a
 * download lasts long enough to act on; the settings are put back after.
 */
async function underSlowCap(page: Page, steps: () => Promise<void>): Promise<void> {
  const settings = (await hostCall(page, 'settings.get', {})) as Record<string, unknown>;
  await hostCall(page, 'settings.set', { ...settings, transferBandwidthMiBps: 0.5 });
  try {
    await steps();
  } finally {
    await hostCall(page, 'settings.set', settings);
  }
}

/** In the Blobs view: this test's container, the entries checked by `select`, downloaded into `folder`. */
async function downloadFromContainer(page: Page, folder: string, select: () => Promise<void>): Promise<void> {
  await page.getByRole('tab', { name: 'Blobs' }).click();
  await page.getByTestId('container-picker').selectOption(container);
  await select();
  await page.getByTestId('download-selected').click();
  await page.getByTestId('download-folder').fill(folder);
  await page.getByRole('form', { name: 'Download' }).getByRole('button', { name: 'Download' }).click();
}

function row(page: Page, name: string) {
  return page.locator(`[data-testid="blob-row"][data-name="${PREFIX}${name}"]`);
}

test.beforeEach(async () => {
  container = `e2e-drop-${randomUUID().slice(0, 8)}`;
  containerClient = BlobServiceClient.fromConnectionString(env.connectionString).getContainerClient(container);
  await containerClient.create();
  await containerClient.getBlockBlobClient(`${PREFIX}already-here.txt`).upload('x', 1);
});

test.afterEach(async () => {
  await containerClient.deleteIfExists();
});

test('files dropped onto a prefix upload, show progress, and are listed with their sizes', async ({ page }) => {
  await connectToFixture(page, env);
  await page.getByRole('tab', { name: 'Blobs' }).click();
  await page.getByTestId('container-picker').selectOption(container);
  await page.getByTestId('blob-list').getByRole('button', { name: PREFIX }).click();
  await expect(page.getByRole('navigation', { name: 'Breadcrumb' }).locator('[aria-current="page"]')).toHaveText(PREFIX.slice(0, -1));
  await expect(row(page, 'already-here.txt')).toBeVisible();

  await dropFiles(page.getByTestId('drop-zone'), FILES);

  const panel = page.getByTestId('transfer-panel');
  for (const file of FILES) {
    const job = panel.getByTestId('transfer-job').filter({ hasText: `${container}/${PREFIX}${file.name}` });
    await expect(job).toHaveAttribute('data-state', 'done');
    await expect(job.getByTestId('transfer-bytes')).toHaveText(`${formatBytes(file.size)} of ${formatBytes(file.size)}`);
    await expect(job.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100');
  }
  // The host is shared with other specs: its totals count their transfers too.
  await expect(page.getByTestId('transfer-summary')).toContainText(/\d+ of \d+ done/);

  for (const file of FILES) {
    await expect(row(page, file.name).getByTestId('blob-size')).toHaveText(formatBytes(file.size));
    const stored = await containerClient.getBlobClient(`${PREFIX}${file.name}`).downloadToBuffer();
    expect(stored.equals(Buffer.from(file.base64, 'base64')), file.name).toBe(true);
  }

  // The same name again: the upload waits for a choice; "Keep both" puts it beside the first.
  const again = dropFile('table.csv', Buffer.from('id,value\n5,6\n'));
  await dropFiles(page.getByTestId('drop-zone'), [again]);
  const prompt = page.getByTestId('conflict-prompt');
  await expect(prompt).toContainText(`${container}/${PREFIX}table.csv`);
  await prompt.getByRole('button', { name: 'Keep both' }).click();
  await expect(prompt).toBeHidden();
  await expect(row(page, 'table (1).csv').getByTestId('blob-size')).toHaveText(formatBytes(again.size));
  await expect(row(page, 'table.csv').getByTestId('blob-size')).toHaveText(formatBytes(FILES[0].size));

  // Everything finished: "Clear finished" empties the list (other specs' jobs on this host are finished too).
  const jobs = panel.getByTestId('transfer-job');
  await expect(jobs.filter({ hasText: `${container}/${PREFIX}table (1).csv` })).toHaveAttribute('data-state', 'done');
  // The list is as tall as the user makes it, by keyboard on its handle as well as by dragging.
  const body = panel.getByTestId('transfer-body');
  const handle = panel.getByRole('separator', { name: 'Resize transfers' });
  const before = (await body.boundingBox())?.height ?? 0;
  await handle.focus();
  await page.keyboard.press('PageUp');
  await expect.poll(async () => (await body.boundingBox())?.height ?? 0).toBeGreaterThan(before);
  await expect(handle).toHaveAttribute('aria-valuenow', String(Math.round((await body.boundingBox())?.height ?? 0)));

  const clear = panel.getByRole('button', { name: 'Clear finished' });
  await clear.click();
  await expect(jobs).toHaveCount(0);
  await expect(clear).toBeDisabled();
  await expect(page.getByTestId('transfer-summary')).toContainText('None yet');
  // Emptied, the panel closes itself: only its bar is left.
  await expect(body).toHaveCount(0);
  await expect(panel.getByRole('button', { name: 'Transfers' })).toHaveAttribute('aria-expanded', 'false');
});

test('a selected blob and a selected prefix download into the folder typed for the host', async ({ page }) => {
  await containerClient.getBlockBlobClient('reports/q1/summary.txt').upload('quarter one', 11);
  await containerClient.getBlockBlobClient('reports/q1/detail/rows.csv').upload('a,b\n', 4);
  await containerClient.getBlockBlobClient('reports/readme.md').upload('# reports', 9);
  const folder = await mkdtemp(path.join(env.localFolder, 'stratus-e2e-download-'));
  try {
    await connectToFixture(page, env);
    await page.getByRole('tab', { name: 'Blobs' }).click();
    await page.getByTestId('container-picker').selectOption(container);
    await page.getByTestId('blob-list').getByRole('button', { name: 'reports/' }).click();
    await page.getByRole('checkbox', { name: 'Select readme.md' }).check();
    await page.getByRole('checkbox', { name: 'Select q1/' }).check();
    await page.getByTestId('download-selected').click();
    await page.getByTestId('download-folder').fill(folder);
    await page.getByRole('form', { name: 'Download' }).getByRole('button', { name: 'Download' }).click();

    const panel = page.getByTestId('transfer-panel');
    for (const local of ['readme.md', 'q1/summary.txt', 'q1/detail/rows.csv']) {
      await expect(panel.getByTestId('transfer-job').filter({ hasText: path.join(folder, local) })).toHaveAttribute('data-state', 'done');
    }
    expect(await readFile(path.join(folder, 'readme.md'), 'utf8')).toBe('# reports');
    expect(await readFile(path.join(folder, 'q1', 'summary.txt'), 'utf8')).toBe('quarter one');
    expect(await readFile(path.join(folder, 'q1', 'detail', 'rows.csv'), 'utf8')).toBe('a,b\n');
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});

test('a download into a folder the host was not started with is refused, and the form says which folders it may use', async ({ page }) => {
  await containerClient.getBlockBlobClient('reports/readme.md').upload('# reports', 9);
  const outside = path.join(path.dirname(env.localFolder), 'not-allowed');
  await connectToFixture(page, env);
  await page.getByRole('tab', { name: 'Blobs' }).click();
  await page.getByTestId('container-picker').selectOption(container);
  await page.getByTestId('blob-list').getByRole('button', { name: 'reports/' }).click();
  await page.getByRole('checkbox', { name: 'Select readme.md' }).check();
  await page.getByTestId('download-selected').click();
  const form = page.getByRole('form', { name: 'Download' });
  await expect(form).toContainText(`This host may use only ${env.localFolder}`);
  await page.getByTestId('download-folder').fill(outside);
  await form.getByRole('button', { name: 'Download' }).click();
  await expect(form.getByTestId('error-message')).toContainText(`${outside} is not one of them`);
  await expect(form.getByTestId('error-hint')).toContainText('STRATUS_ALLOWED_FOLDERS');
  await expect(page.getByTestId('transfer-panel').getByTestId('transfer-job').filter({ hasText: outside })).toHaveCount(0);
  expect(await stat(outside).then(() => true, () => false)).toBe(false);
});

test('a running download pauses, resumes and cancels from its row in the activity panel', async ({ page }) => {
  const size = 6 * 1024 * 1024;
  await containerClient.getBlockBlobClient('big/slow.bin').uploadData(randomBytes(size));
  const folder = await mkdtemp(path.join(env.localFolder, 'stratus-e2e-pause-'));
  await connectToFixture(page, env);
  await underSlowCap(page, async () => {
    await downloadFromContainer(page, folder, async () => {
      await page.getByTestId('blob-list').getByRole('button', { name: 'big/' }).click();
      await page.getByRole('checkbox', { name: 'Select slow.bin' }).check();
    });

    const local = path.join(folder, 'slow.bin');
    const job = page.getByTestId('transfer-panel').getByTestId('transfer-job').filter({ hasText: local });
    await expect(job).toHaveAttribute('data-state', 'running');
    await job.getByRole('button', { name: `Pause ${local}` }).click();
    await expect(job).toHaveAttribute('data-state', 'paused');
    await job.getByRole('button', { name: `Resume ${local}` }).click();
    await expect(job).toHaveAttribute('data-state', /queued|running/);
    await job.getByRole('button', { name: `Cancel ${local}` }).click();
    await expect(job).toHaveAttribute('data-state', 'cancelled');
    await expect(job.getByRole('button', { name: `Retry ${local}` })).toBeVisible();
    // A finished row can be removed on its own.
    await job.getByRole('button', { name: `Remove ${local}` }).click();
    await expect(job).toHaveCount(0);
  }).finally(() => rm(folder, { recursive: true, force: true }));
});

test('the notice that a long batch finished covers no control of the panel', async ({ page }) => {
  // Over ten seconds at the cap: a batch long enough to be announced when it ends.
  const size = 5.5 * 1024 * 1024;
  await containerClient.getBlockBlobClient('long/batch.bin').uploadData(randomBytes(size));
  // Rows enough to fill the list to the bottom of the window, where a floating notice would lie.
  for (let i = 0; i < 6; i++) await containerClient.getBlockBlobClient(`long/part-${i}.txt`).upload('part', 4);
  const folder = await mkdtemp(path.join(env.localFolder, 'stratus-e2e-notice-'));
  await page.setViewportSize({ width: 1024, height: 700 });
  await connectToFixture(page, env);
  await underSlowCap(page, async () => {
    await downloadFromContainer(page, folder, () => page.getByRole('checkbox', { name: 'Select long/' }).check());

    const local = path.join(folder, 'long', 'batch.bin');
    const panel = page.getByTestId('transfer-panel');
    const job = panel.getByTestId('transfer-job').filter({ hasText: local });
    await expect(job).toHaveAttribute('data-state', 'done', { timeout: 40_000 });
    const toast = panel.getByTestId('transfer-toast');
    await expect(toast).toContainText('Transfers finished');

    // Every button of the panel stays clickable where it is: nothing lies over it.
    const notice = await toast.boundingBox();
    if (notice === null) throw new Error('The notice is on screen.');
    for (const button of await panel.locator('.transfers__bar button, [data-testid="transfer-job"] button').all()) {
      const box = await button.boundingBox();
      if (box === null) continue;
      const overlaps = box.x < notice.x + notice.width && notice.x < box.x + box.width && box.y < notice.y + notice.height && notice.y < box.y + box.height;
      expect(overlaps, `${await button.textContent()} is under the notice`).toBe(false);
    }
    await job.getByRole('button', { name: `Remove ${local}` }).click();
    await expect(job).toHaveCount(0);
    await toast.getByRole('button', { name: 'Dismiss' }).click();
    await expect(toast).toHaveCount(0);
  }).finally(() => rm(folder, { recursive: true, force: true }));
});

test('transfer limits typed in Settings are checked in the dialog and saved by the host', async ({ page }) => {
  await page.goto(env.url);
  const before = (await hostCall(page, 'settings.get', {})) as Record<string, unknown>;
  try {
    await page.getByRole('button', { name: 'Settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    const requests = dialog.getByLabel('Most requests in flight');
    const cap = dialog.getByLabel('Bandwidth cap (MiB/s)');
    const apply = dialog.getByRole('button', { name: 'Apply limits' });

    await requests.fill('2000');
    await expect(dialog.getByText('Enter a number from 1 to 1,024.')).toBeVisible();
    await expect(requests).toHaveAttribute('aria-invalid', 'true');
    await cap.fill('fast');
    await expect(dialog.getByText('Enter a number of MiB/s, or leave empty for no cap.')).toBeVisible();
    await expect(apply).toBeDisabled();

    await requests.fill('48');
    await cap.fill('0.5');
    await expect(requests).toHaveAttribute('aria-invalid', 'false');
    await apply.click();
    await expect(apply).toBeDisabled();
    await expect.poll(() => hostCall(page, 'settings.get', {})).toMatchObject({ transferMaxConcurrency: 48, transferBandwidthMiBps: 0.5 });

    // Empty fields: automatic and no cap, the keys gone from what the host keeps.
    await requests.fill('');
    await cap.fill('');
    await apply.click();
    await expect.poll(async () => Object.keys((await hostCall(page, 'settings.get', {})) as object).filter((k) => k.startsWith('transfer'))).toEqual([]);
    await page.keyboard.press('Escape');

    // What the dialog shows when opened again is what the host kept.
    await page.reload();
    await page.getByRole('button', { name: 'Settings' }).click();
    await expect(page.getByLabel('Most requests in flight')).toHaveValue('');
    await expect(page.getByLabel('Bandwidth cap (MiB/s)')).toHaveValue('');
  } finally {
    await hostCall(page, 'settings.set', before);
  }
});
