import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createIdentityProvider } from '../../electron/azure/identity.js';
import { ArtifactRoots } from '../../electron/mlflow/artifact-roots.js';
import { SqliteSource } from '../../electron/mlflow/sources/sqlite.js';
import { startAzurite, type AzuriteInstance } from './azurite.js';
import { createKitContainer, generateTraces, kitArtifactRoot, startMlflowServer, type GenerateOptions, type MlflowServer } from './mlflow-server.js';
import { startRequestLogProxy, type RequestLogProxy } from './request-log-proxy.js';

// The kit's tracking server over a store its generator wrote, behind a proxy that logs every request,
// and the same store opened as an sqlite source: what the server answers can be checked against it.

export interface KitTraceStore {
  azurite: AzuriteInstance;
  server: MlflowServer;
  proxy: RequestLogProxy;
  scratch: string;
  dbFile: string;
  experimentIds: string[];
  sqlite: SqliteSource;
  close(): Promise<void>;
}

export async function startKitTraceStore(name: string, traces: number, options: Omit<GenerateOptions, 'artifactRoot'>): Promise<KitTraceStore> {
  const scratch = await mkdtemp(path.join(tmpdir(), `stratus-${name}-`));
  const dbFile = path.join(scratch, 'mlflow.db');
  const azurite = await startAzurite();
  await createKitContainer(azurite);
  await generateTraces(azurite, dbFile, traces, { ...options, artifactRoot: kitArtifactRoot(name) });
  const server = await startMlflowServer(azurite, dbFile, kitArtifactRoot('srv'));
  const proxy = await startRequestLogProxy(server.uri);
  const db = new Database(dbFile, { readonly: true });
  const experimentIds = (db.prepare('SELECT DISTINCT experiment_id FROM trace_info ORDER BY experiment_id').pluck().all() as number[]).map(String);
  db.close();
  const sqlite = await SqliteSource.open(dbFile, `sqlite:///${dbFile}`, new ArtifactRoots({ AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString }, createIdentityProvider(), undefined));
  return {
    azurite,
    server,
    proxy,
    scratch,
    dbFile,
    experimentIds,
    sqlite,
    async close() {
      await sqlite.close();
      await proxy.close();
      await server.stop();
      await azurite.stop();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}
