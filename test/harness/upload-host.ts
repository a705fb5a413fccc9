import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { createServices, type Services } from '../../electron/services.js';
import { startWebHost, type WebHost, type WebHostOptions } from '../../electron/web/web-host.js';

// A browser-mode host on Azurite for the upload-route tests: a container of its own, a workspace
// open on it (credential from the environment), and a user-data folder to stage files in.

export interface UploadHost {
  services: Services;
  host: WebHost;
  userDataDir: string;
  workspaceId: string;
  containerClient: ContainerClient;
  stop(): Promise<void>;
}

export interface UploadHostSetup {
  container: string;
  connectionString: string;
  endpoint: string;
  timeouts?: WebHostOptions['timeouts'];
}

export async function startUploadHost({ container, connectionString, endpoint, timeouts }: UploadHostSetup): Promise<UploadHost> {
  const containerClient = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(container);
  await containerClient.create();
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'stratus-upload-'));
  const staticDir = await mkdtemp(path.join(tmpdir(), 'stratus-upload-web-'));
  await writeFile(path.join(staticDir, 'index.html'), '<!doctype html><title>Stratus</title>');
  const services = createServices({ env: { AZURE_STORAGE_CONNECTION_STRING: connectionString }, userDataDir });
  const host = await startWebHost({ services, staticDir, timeouts });
  const stop = async () => {
    await host.close();
    services.transfers.close();
    await containerClient.deleteIfExists();
    await Promise.all([userDataDir, staticDir].map((dir) => rm(dir, { recursive: true, force: true })));
  };
  const reply = await services.router.dispatch('workspace.open', { sysroot: `${container}/ds`, endpoint, credential: { kind: 'environment' } });
  if (!reply.ok) {
    await stop();
    throw new Error(reply.error.message);
  }
  return { services, host, userDataDir, workspaceId: (reply.value as { id: string }).id, containerClient, stop };
}
