import { expect, type Page } from '@playwright/test';
import type { e2eEnvironment } from './environment.js';
import { startNewWorkspace } from './workspace-ui.js';

// What the metadata service specs share: a host whose environment names no other Azure, Metaflow or MLflow setup
// than the e2e Azurite, run as a given Metaflow user, and a workspace connected with the service from the form.

/** The host's environment: this process's, less its AZURE/METAFLOW/MLFLOW/STRATUS variables, plus the e2e Azurite's. */
export function serviceHostEnv(env: ReturnType<typeof e2eEnvironment>, userData: string, user: string): Record<string, string> {
  const hostEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(AZURE|METAFLOW|MLFLOW|STRATUS)_/.test(key)) hostEnv[key] = value;
  }
  return {
    ...hostEnv,
    AZURE_STORAGE_CONNECTION_STRING: env.connectionString,
    METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT: env.endpoint,
    STRATUS_USER_DATA: userData,
    METAFLOW_USER: user,
  };
}

/** From the start page: a workspace on the sysroot with the metadata service, connected without saving. */
export async function connectWithService(page: Page, hostUrl: string, sysroot: string, serviceUrl: string): Promise<void> {
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto(hostUrl);
  await startNewWorkspace(page);
  await page.getByLabel('Sysroot').fill(sysroot);
  await page.getByRole('radio', { name: 'From environment' }).check();
  await page.getByLabel('Metaflow metadata service').fill(serviceUrl);
  await page.getByRole('button', { name: 'Connect without saving' }).click();
  await expect(page.getByTestId('workspace-sysroot')).toHaveText(sysroot);
}
