import { repoRoot } from '../harness/repo.js';
import { startAzurite } from '../harness/azurite.js';
import { loadMetaflowFixture } from '../harness/metaflow-fixture.js';
import { publishEnvironment } from './environment.js';
import { startWebHost } from './web-host-process.js';

// Azurite with the Metaflow fixture, and the browser-mode host pointed at it through the
// environment only (no sysroot variable: the tests type it into the connect form).
export default async function globalSetup(): Promise<() => Promise<void>> {
  const azurite = await startAzurite({ inMemory: true });
  try {
    const fixture = await loadMetaflowFixture(azurite.connectionString);
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) {
      if (value !== undefined && !key.startsWith('AZURE_') && !key.startsWith('METAFLOW_')) env[key] = value;
    }
    env.AZURE_STORAGE_CONNECTION_STRING = azurite.connectionString;
    env.METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT = azurite.endpoint;
    const host = await startWebHost(repoRoot, env);
    publishEnvironment({
      url: host.url,
      sysroot: fixture.sysroot,
      endpoint: azurite.endpoint,
      connectionString: azurite.connectionString,
    });
    return async () => {
      await host.stop();
      await azurite.stop();
    };
  } catch (err) {
    await azurite.stop();
    throw err;
  }
}
