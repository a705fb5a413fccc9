import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { expect, test, type Page } from '@playwright/test';
import { e2eEnvironment } from './environment.js';
import { connectToFixture } from './workspace-ui.js';

// Browser mode's blob browser on a par with Storage Explorer: a blob clicked shows its properties and
// a preview (a CSV as a table, a PNG as an image), files chosen in the file picker upload, a selection
// is deleted (or moved to another tier) only once the container's name is typed (the soft-delete state
// or what Archive means said first), downloads are the browser's own (one blob as it is, several as
// a zip), and a typed path, a new folder and a name search go where they say.

const env = e2eEnvironment();

/** A 2×2 PNG: red, blue, white, white. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFElEQVR4nGP4z8DAwAAi/v///x8AHu8F+5BApdwAAAAASUVORK5CYII=', 'base64');
const CSV = 'model,accuracy,loss\nresnet,0.91,0.32\nvit,0.94,0.21\n';

let container: string;
let containerClient: ContainerClient;

async function put(name: string, body: string | Buffer, contentType?: string): Promise<void> {
  const data = typeof body === 'string' ? Buffer.from(body) : body;
  await containerClient.getBlockBlobClient(name).upload(data, data.length, { blobHTTPHeaders: { blobContentType: contentType } });
}

function row(page: Page, name: string) {
  return page.locator(`[data-testid="blob-row"][data-name="${name}"]`);
}

async function openContainer(page: Page): Promise<void> {
  await connectToFixture(page, env);
  await page.getByRole('tab', { name: 'Blobs' }).click();
  await page.getByTestId('container-picker').selectOption(container);
}

test.beforeEach(async () => {
  container = `e2e-blobs-${randomUUID().slice(0, 8)}`;
  containerClient = BlobServiceClient.fromConnectionString(env.connectionString).getContainerClient(container);
  await containerClient.create();
  await put('eval/metrics.csv', CSV, 'text/csv');
  await put('eval/confusion.png', PNG, 'image/png');
});

test.afterEach(async () => {
  await containerClient.deleteIfExists();
});

test('a clicked CSV shows its properties and a table; a PNG shows as an image', async ({ page }) => {
  await openContainer(page);
  await page.getByTestId('blob-list').getByRole('button', { name: 'eval/' }).click();
  await row(page, 'eval/metrics.csv').getByTestId('blob-name').click();

  const details = page.getByTestId('blob-details');
  const props = details.getByTestId('blob-properties');
  await expect(props).toContainText(`${CSV.length} bytes`);
  await expect(props).toContainText('text/csv');
  await expect(props.locator('dt', { hasText: 'ETag' })).toBeVisible();
  const etag = (await containerClient.getBlobClient('eval/metrics.csv').getProperties()).etag ?? '';
  await expect(props).toContainText(etag);
  const table = details.getByTestId('preview-table');
  await expect(table.locator('th')).toHaveText(['model', 'accuracy', 'loss']);
  await expect(table.locator('tbody tr')).toHaveCount(2);
  await expect(table.locator('tbody tr').nth(1).locator('td')).toHaveText(['vit', '0.94', '0.21']);

  await row(page, 'eval/confusion.png').getByTestId('blob-name').click();
  const image = page.getByTestId('blob-details').getByTestId('preview-image');
  await expect(image).toBeVisible();
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => [img.complete, img.naturalWidth, img.naturalHeight])).toEqual([true, 2, 2]);
});

test('files chosen with the Upload button upload into the open folder', async ({ page }) => {
  await openContainer(page);
  await page.getByTestId('blob-list').getByRole('button', { name: 'eval/' }).click();
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('upload-files').click();
  await (await chooser).setFiles([
    { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('picked from the file picker') },
    { name: 'params.json', mimeType: 'application/json', buffer: Buffer.from('{"lr":0.01}') },
  ]);
  await expect(row(page, 'eval/notes.txt')).toBeVisible();
  await expect(row(page, 'eval/params.json')).toBeVisible();
  expect((await containerClient.getBlobClient('eval/notes.txt').downloadToBuffer()).toString()).toBe('picked from the file picker');
});

test('selected blobs move to Archive only after the container name is typed, Archive explained, and the Tier column shows it', async ({ page }) => {
  await openContainer(page);
  await page.getByTestId('blob-list').getByRole('button', { name: 'eval/' }).click();
  await expect(row(page, 'eval/metrics.csv').getByTestId('blob-tier')).not.toHaveText('Archive');
  await page.getByRole('checkbox', { name: 'Select metrics.csv' }).check();
  await page.getByTestId('tier-selected').click();

  const confirm = page.getByTestId('tier-confirm');
  await confirm.getByTestId('tier-pick').selectOption('Archive');
  await expect(confirm.getByTestId('tier-effect')).toContainText('offline');
  await expect(confirm.getByTestId('tier-effect')).toContainText('15 hours');
  const execute = confirm.getByTestId('tier-execute');
  await expect(execute).toBeDisabled();
  await confirm.getByTestId('tier-confirm-name').fill('not-the-name');
  await expect(execute).toBeDisabled();
  await confirm.getByTestId('tier-confirm-name').fill(container);
  await execute.click();

  await expect(page.getByTestId('tier-notice')).toContainText('Changed the tier of 1 blob.');
  await expect(row(page, 'eval/metrics.csv').getByTestId('blob-tier')).toHaveText('Archive');
  await expect(row(page, 'eval/confusion.png').getByTestId('blob-tier')).not.toHaveText('Archive');
  expect((await containerClient.getBlobClient('eval/metrics.csv').getProperties()).accessTier).toBe('Archive');
});

test('selected blobs and a folder are deleted only after the container name is typed, the soft-delete state said', async ({ page }) => {
  await put('eval/old-a.txt', 'a');
  await put('eval/old-b.txt', 'b');
  await put('eval/scratch/one.txt', '1');
  await put('eval/scratch/deeper/two.txt', '2');
  await openContainer(page);
  await page.getByTestId('blob-list').getByRole('button', { name: 'eval/' }).click();
  await page.getByRole('checkbox', { name: 'Select old-a.txt' }).check();
  await page.getByRole('checkbox', { name: 'Select old-b.txt' }).check();
  await page.getByRole('checkbox', { name: 'Select scratch/' }).check();
  await page.getByTestId('delete-selected').click();

  const confirm = page.getByTestId('delete-confirm');
  await expect(confirm).toContainText(`Delete 2 blobs and 1 folder from ${container}`);
  await expect(confirm).toContainText('Folders go with every blob below them');
  await expect(confirm.getByTestId('soft-delete-state')).toHaveText(/Soft delete is (on|off) for this account|Whether deleted blobs can be recovered is unknown/);
  const execute = confirm.getByTestId('delete-execute');
  await expect(execute).toBeDisabled();
  await confirm.getByTestId('delete-confirm-name').fill('not-the-name');
  await expect(execute).toBeDisabled();
  await confirm.getByTestId('delete-confirm-name').fill(container);
  await execute.click();

  await expect(page.getByTestId('delete-notice')).toContainText('Deleted 4 blobs.');
  await expect(row(page, 'eval/scratch/')).toHaveCount(0);
  await expect(row(page, 'eval/old-a.txt')).toHaveCount(0);
  await expect(row(page, 'eval/old-b.txt')).toHaveCount(0);
  await expect(row(page, 'eval/metrics.csv')).toBeVisible();
  expect(await containerClient.getBlobClient('eval/old-a.txt').exists()).toBe(false);
  expect(await containerClient.getBlobClient('eval/scratch/deeper/two.txt').exists()).toBe(false);
});

test('Download saves one blob through the browser, and several as a zip', async ({ page }) => {
  await openContainer(page);
  await page.getByTestId('blob-list').getByRole('button', { name: 'eval/' }).click();
  await page.getByRole('checkbox', { name: 'Select metrics.csv' }).check();
  const one = page.waitForEvent('download');
  await page.getByTestId('browser-download').click();
  const single = await one;
  expect(single.suggestedFilename()).toBe('metrics.csv');
  expect(await readFile(await single.path(), 'utf8')).toBe(CSV);

  await page.getByRole('checkbox', { name: 'Select confusion.png' }).check();
  const two = page.waitForEvent('download');
  await page.getByTestId('browser-download').click();
  const zip = await two;
  expect(zip.suggestedFilename()).toBe('eval.zip');
  const bytes = await readFile(await zip.path());
  expect(bytes.subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');
  expect(bytes.includes(Buffer.from(CSV))).toBe(true);
  expect(bytes.includes(PNG)).toBe(true);
});

test('a typed path opens that folder or says what is wrong; New folder opens an empty one; search finds names below', async ({ page }) => {
  await put('eval/deep/run-7/metrics-final.csv', CSV);
  await openContainer(page);
  const path = page.getByTestId('blob-path');
  await path.fill(`${container}/eval/deep`);
  await path.press('Enter');
  await expect(page.getByRole('navigation', { name: 'Breadcrumb' }).locator('[aria-current="page"]')).toHaveText('deep');
  await expect(page.getByTestId('blob-list').getByRole('button', { name: 'run-7/' })).toBeVisible();

  await path.fill('Not_A_Container/x');
  await path.press('Enter');
  await expect(page.getByRole('form', { name: 'Go to path' }).getByRole('alert')).toContainText('"Not_A_Container" is not a container name');

  await page.getByTestId('new-folder').click();
  await page.getByTestId('new-folder-name').fill('fresh');
  await page.getByRole('form', { name: 'New folder' }).getByRole('button', { name: 'Open new folder' }).click();
  await expect(page.getByRole('navigation', { name: 'Breadcrumb' }).locator('[aria-current="page"]')).toHaveText('fresh');
  await expect(page.getByTestId('blob-list')).toContainText('a folder exists once something is in it');

  await path.fill(`${container}/eval`);
  await path.press('Enter');
  const search = page.getByTestId('blob-search');
  await search.fill('METRICS');
  await search.press('Enter');
  await expect(page.getByTestId('blob-row')).toHaveCount(2);
  await expect(row(page, 'eval/deep/run-7/metrics-final.csv')).toBeVisible();
  await expect(page.getByTestId('search-status')).toContainText('2 found in 3 blobs searched');
});

test('saving on the host into a relative folder says to type a full path, rather than failing with a raw error', async ({ page }) => {
  await openContainer(page);
  await page.getByTestId('blob-list').getByRole('button', { name: 'eval/' }).click();
  await page.getByRole('checkbox', { name: 'Select metrics.csv' }).check();
  await page.getByTestId('download-selected').click();
  const form = page.getByRole('form', { name: 'Download' });
  await page.getByTestId('download-folder').fill('data/out');
  await expect(form).toContainText('"data/out" is a relative path: type the full path of a folder on the computer running Stratus');
  await expect(form.getByRole('button', { name: 'Download' })).toBeDisabled();
  await expect(form).not.toContainText('INVALID_ARGUMENT');
});
