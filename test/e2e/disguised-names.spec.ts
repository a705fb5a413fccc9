import { randomUUID } from 'node:crypto';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { expect, test } from '@playwright/test';
import { e2eEnvironment } from './environment.js';
import { connectToFixture } from './workspace-ui.js';

// Blob names are whatever a writer chose. One holding a right-to-left override (U+202E) or a zero-width
// space (U+200B) must not pass for another name: the Blobs view shows those characters escaped.

const env = e2eEnvironment();

let container: string;
let containerClient: ContainerClient;

test.beforeEach(async () => {
  container = `e2e-names-${randomUUID().slice(0, 8)}`;
  containerClient = BlobServiceClient.fromConnectionString(env.connectionString).getContainerClient(container);
  await containerClient.create();
  // Shown raw, the first reads "invoiceexe.pdf" and the second "report.csv", beside the real report.csv.
  for (const name of ['invoice\u202Efdp.exe', 'report\u200B.csv', 'report.csv']) await containerClient.getBlockBlobClient(name).upload('x', 1);
});

test.afterEach(async () => {
  await containerClient.deleteIfExists();
});

test('names with bidi or zero-width characters are shown escaped in the Blobs view', async ({ page }) => {
  await connectToFixture(page, env);
  await page.getByRole('tab', { name: 'Blobs' }).click();
  await page.getByTestId('container-picker').selectOption(container);
  const names = page.getByTestId('blob-name');
  await expect(names).toHaveCount(3);
  expect((await names.allTextContents()).sort()).toEqual(['invoice\\u{202E}fdp.exe', 'report.csv', 'report\\u{200B}.csv']);
  await expect(page.getByRole('checkbox', { name: 'Select report\\u{200B}.csv' })).toBeVisible();
});
