import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { expect, test } from '@playwright/test';
import { formatBytes } from '../../renderer/src/format.js';
import { parseWasbs } from '../../shared/wasbs.js';
import { dropFile, dropFiles } from './drop.js';
import { e2eEnvironment } from './environment.js';
import { richestRun } from './mlflow-facts.js';
import { mlflowE2eEnvironment } from './mlflow-setup.js';
import { openExperiment, openMlflowWorkspace } from './mlflow-ui.js';

// Browser mode: files dropped onto an MLflow run's artifacts upload into the run's own artifact
// location (its wasbs:// artifact_uri in Azurite) and appear in its artifact tree; a selected
// artifact downloads into a folder typed for the host. Dropped on a folder of the tree, files land in it.

const env = e2eEnvironment();
const mlflow = mlflowE2eEnvironment();
/** A folder of the richest run's artifacts in the fixture (mlflow-runs.spec.ts opens it too). */
const FOLDER = 'notes';

test('files dropped onto a run’s artifacts upload where the run keeps them and appear in its tree', async ({ page }) => {
  const run = richestRun(mlflow.fixtureDb);
  const parsed = parseWasbs(run.artifactUri);
  if (!parsed.ok) throw new Error(`${run.artifactUri}: ${parsed.errors.join(' ')}`);
  const container = BlobServiceClient.fromConnectionString(env.connectionString).getContainerClient(parsed.value.container);
  // A name of its own, so a retry or another spec reading this run's artifacts meets nothing it does not expect.
  const file = dropFile(`dropped-${randomUUID().slice(0, 8)}.bin`, randomBytes(300_000));
  const blob = container.getBlobClient(`${parsed.value.prefix}/${file.name}`);
  const cleanup = [blob];
  const downloads = await mkdtemp(path.join(env.localFolder, 'stratus-e2e-artifacts-'));
  try {
    await openMlflowWorkspace(page, env, 'MLflow drops', mlflow.fixtureUri);
    await openExperiment(page, run.experimentName);
    await page.getByTestId('mlflow-runs-table').locator(`[data-run-id="${run.runId}"]`).getByTestId('run-name').click();
    await expect(page.getByTestId('mlflow-run-name')).toHaveText(run.name);

    await dropFiles(page.getByTestId('drop-zone'), [file]);
    const entry = page.locator(`[data-testid="artifact-entry"][data-path="${file.name}"]`);
    await expect(entry).toBeVisible({ timeout: 30_000 });
    expect((await blob.getProperties()).contentLength).toBe(file.size);
    await entry.click();
    // The preview reads it back from the run's artifacts, with its size.
    await expect(page.getByTestId('artifact-preview')).toContainText(`${file.name} · ${formatBytes(file.size)}`);

    // Dropped on a folder of the tree, a file lands in that folder.
    const inFolder = dropFile(`dropped-${randomUUID().slice(0, 8)}.txt`, Buffer.from('into the folder\n'));
    cleanup.push(container.getBlobClient(`${parsed.value.prefix}/${FOLDER}/${inFolder.name}`));
    await dropFiles(page.locator(`[data-drop-folder="${FOLDER}"]`), [inFolder]);
    await page.locator(`[data-testid="artifact-entry"][data-path="${FOLDER}"]`).click();
    await expect(page.locator(`[data-testid="artifact-entry"][data-path="${FOLDER}/${inFolder.name}"]`)).toBeVisible({ timeout: 30_000 });

    // And back down, into a folder typed for the host.
    await page.getByTestId('download-artifact').click();
    await page.getByTestId('download-folder').fill(downloads);
    await page.getByRole('button', { name: 'Download', exact: true }).click();
    await expect.poll(() => stat(path.join(downloads, file.name)).then((s) => s.size, () => -1), { timeout: 30_000 }).toBe(file.size);
  } finally {
    for (const dropped of cleanup) await dropped.deleteIfExists();
    await rm(downloads, { recursive: true, force: true });
  }
});
