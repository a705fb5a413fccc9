import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../harness/repo.js';
import { LONGER_THAN_A_RUN_MS, startAzurite } from '../harness/azurite.js';
import { loadMetaflowFixture } from '../harness/metaflow-fixture.js';
import { FIXTURE_PROFILE, publishEnvironment } from './environment.js';
import { publishMlflowEnvironment, setUpMlflow } from './mlflow-setup.js';
import { startWebHost } from './web-host-process.js';

// Azurite with the Metaflow fixture, and the browser-mode host pointed at it through the environment
// (endpoint and connection string, no sysroot: the tests type it or import it). The host gets a fresh
// user-data folder, so saved workspaces and settings never touch the real ~/.config/Stratus, and a
// METAFLOW_HOME holding one Metaflow profile for the fixture, so the import list shows a real one.
export default async function globalSetup(): Promise<() => Promise<void>> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'stratus-e2e-'));
  const azurite = await startAzurite({ inMemory: true, gcAfterMs: LONGER_THAN_A_RUN_MS });
  try {
    const fixture = await loadMetaflowFixture(azurite.connectionString);
    const userData = path.join(scratch, 'user-data');
    const metaflowHome = path.join(scratch, 'metaflowconfig');
    const localFolder = path.join(scratch, 'local');
    await Promise.all([mkdir(userData), mkdir(metaflowHome), mkdir(localFolder)]);
    await writeFile(
      path.join(metaflowHome, `config_${FIXTURE_PROFILE}.json`),
      JSON.stringify(
        {
          METAFLOW_DEFAULT_DATASTORE: 'azure',
          METAFLOW_DATASTORE_SYSROOT_AZURE: fixture.sysroot,
          METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT: azurite.endpoint,
          METAFLOW_CARD_AZUREROOT: fixture.cardRoot,
        },
        null,
        2,
      ),
    );
    // Nothing of the developer's own Azure, Metaflow, MLflow or Stratus setup may leak into the host.
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) {
      if (value !== undefined && !/^(AZURE|METAFLOW|MLFLOW|STRATUS)_/.test(key)) env[key] = value;
    }
    env.AZURE_STORAGE_CONNECTION_STRING = azurite.connectionString;
    env.METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT = azurite.endpoint;
    env.STRATUS_USER_DATA = userData;
    env.METAFLOW_HOME = metaflowHome;
    // The host may read and write only here (downloads, local workspaces, MLflow stores), as a user would start it.
    env.STRATUS_ALLOWED_FOLDERS = localFolder;
    // MLflow: a copy of the fixture's tracking store, its artifacts in Azurite, and a generated
    // store holding one very large trace (see mlflow-setup.ts); the specs save workspaces naming them.
    publishMlflowEnvironment(await setUpMlflow(azurite.connectionString, localFolder));
    const host = await startWebHost(repoRoot, env);
    publishEnvironment({
      url: host.url,
      sysroot: fixture.sysroot,
      cardRoot: fixture.cardRoot,
      endpoint: azurite.endpoint,
      connectionString: azurite.connectionString,
      localFolder,
    });
    return async () => {
      await host.stop();
      await azurite.stop();
      await rm(scratch, { recursive: true, force: true });
    };
  } catch (err) {
    await azurite.stop();
    await rm(scratch, { recursive: true, force: true });
    throw err;
  }
}
