import { randomUUID } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { expect, test } from '@playwright/test';
import { checkSysroot, sysrootBlobPrefix } from '../../shared/sysroot.js';
import { loadMetaflowFixture, type LoadedFixture } from '../harness/metaflow-fixture.js';
import { e2eEnvironment } from './environment.js';
import { FixtureFacts } from './fixture-facts.js';
import { connectToFixture, openRun, openTask } from './workspace-ui.js';

// An artifact a lifecycle policy moved to Archive: the task view says "archived" (not a decode
// error), Rehydrate sets its tier, and the value shows. The fixture goes into a container of its own
// so that archiving a blob changes nothing the other specs read.

const env = e2eEnvironment();
const FLOW = 'ArtifactTypesFlow';
let fixture: LoadedFixture;
let facts: FixtureFacts;

test.beforeAll(async () => {
  fixture = await loadMetaflowFixture(env.connectionString, { container: `archived-${randomUUID().slice(0, 8)}` });
  facts = await FixtureFacts.load();
});

test.afterAll(async () => {
  await BlobServiceClient.fromConnectionString(env.connectionString).getContainerClient(fixture.container).deleteIfExists();
});

/** Archives the CAS blob of the task's first user artifact (from its data.json); answers the artifact's name. */
async function archiveFirstArtifact(run: string, task: string): Promise<string> {
  const parts = checkSysroot(fixture.sysroot);
  if (!parts.ok) throw new Error(parts.errors.join(' '));
  const prefix = sysrootBlobPrefix(parts.value);
  const container = BlobServiceClient.fromConnectionString(env.connectionString).getContainerClient(fixture.container);
  const index = JSON.parse((await container.getBlobClient(`${prefix}${FLOW}/${run}/start/${task}/0.data.json`).downloadToBuffer()).toString('utf8')) as {
    objects: Record<string, string>;
  };
  const [name, sha] = Object.entries(index.objects).find(([n]) => !n.startsWith('_')) ?? [];
  if (name === undefined || sha === undefined) throw new Error('the start task has no user artifact');
  await container.getBlobClient(`${prefix}${FLOW}/data/${sha.slice(0, 2)}/${sha}`).setAccessTier('Archive');
  return name;
}

test('an archived artifact shows "archived", and Rehydrate brings its value back', async ({ page }, testInfo) => {
  const run = facts.runs(FLOW)[0];
  const [task] = facts.tasks(FLOW, run, 'start');
  const name = await archiveFirstArtifact(run, task);

  await page.setViewportSize({ width: 1400, height: 900 });
  await connectToFixture(page, { url: env.url, sysroot: fixture.sysroot, cardRoot: fixture.cardRoot });
  await openRun(page, FLOW, run);
  await openTask(page, 'start', task);
  // The artifact table's Tier column says so before the artifact is even opened; tiers are read
  // for the rows in view, so the row is scrolled to first.
  const row = page.getByTestId('artifact-row').filter({ has: page.getByRole('button', { name, exact: true }) });
  await row.scrollIntoViewIfNeeded();
  await expect(row.getByTestId('artifact-tier')).toHaveText('Archive (archived)');
  await expect(row.getByTestId('artifact-tier')).toHaveAttribute('data-state', 'archived');
  await page.getByRole('button', { name, exact: true }).click();

  const preview = page.getByTestId('artifact-preview');
  const archived = preview.getByTestId('artifact-archived');
  await expect(archived).toContainText('Archived');
  await expect(archived).toContainText('tier Archive');
  await expect(preview.getByTestId('error')).toHaveCount(0);
  await page.getByTestId('rehydrate-priority').selectOption('High');
  await expect(archived).toContainText('under 1 hour');
  await page.screenshot({ path: testInfo.outputPath('archived.png') });

  await page.getByTestId('rehydrate').click();
  await expect(archived).toHaveCount(0);
  // Azurite rehydrates at once: the row's tier follows.
  await expect(row.getByTestId('artifact-tier')).toHaveText('Hot');
  await expect(preview.getByTestId('preview-value')).toBeVisible();
});
