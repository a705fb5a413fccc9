import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BlobServiceClient } from '@azure/storage-blob';
import { StratusError } from '../../shared/errors.js';
import { parseWasbs } from '../../shared/wasbs.js';
import { AzureObjectStore } from '../azure/azure-object-store.js';
import { createBlobClient, type ClientAuth, type Env, type IdentityProvider } from '../azure/blob-client.js';
import { accountNameFromEndpoint, parseConnectionString } from '../azure/connection-string.js';
import { LocalObjectStore } from '../storage/local-object-store.js';
import type { ObjectStore } from '../storage/object-store.js';

// Where an MLflow artifact URI (a run's artifact_uri, a trace's mlflow.artifactLocation) lives:
// an object store plus the blob-name prefix of that folder. wasbs:// goes through the Azure-access
// layer with, in this order: the open workspace's own client when it is the same storage account;
// AZURE_STORAGE_CONNECTION_STRING (as MLflow does, its endpoint wins — that is how wasbs URIs of
// devstoreaccount1 reach Azurite); else METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT when it serves
// that account, or the account's own endpoint, with the environment's credential.
// A local path or file:// URI is read as a folder.

export interface ArtifactRoot {
  store: ObjectStore;
  /** '' or ending in '/'. */
  prefix: string;
  uri: string;
}

export interface WorkspaceBlobAccess {
  service: BlobServiceClient;
  endpoint: string;
  auth: ClientAuth;
}

export class ArtifactRoots {
  private readonly stores = new Map<string, ObjectStore>();

  constructor(
    private readonly env: Env,
    private readonly identity: IdentityProvider,
    private readonly workspace: WorkspaceBlobAccess | undefined,
  ) {}

  resolve(uri: string): ArtifactRoot {
    if (/^wasbs?:\/\//i.test(uri)) return this.wasbs(uri);
    if (/^file:\/\//i.test(uri)) return this.local(fileURLToPath(uri), uri);
    if (path.isAbsolute(uri) || /^[A-Za-z]:[\\/]/.test(uri)) return this.local(uri, uri);
    const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(uri)?.[1] ?? 'relative path';
    throw new StratusError({
      code: 'INVALID_ARGUMENT',
      message: `Artifacts at ${uri} cannot be read here: Stratus reads wasbs:// (Azure Blob) and local artifact locations, not ${scheme}.`,
    });
  }

  private local(folder: string, uri: string): ArtifactRoot {
    return { store: new LocalObjectStore(folder), prefix: '', uri };
  }

  private wasbs(uri: string): ArtifactRoot {
    const parsed = parseWasbs(uri);
    if (!parsed.ok) throw new StratusError({ code: 'INVALID_ARGUMENT', message: `The artifact URI ${uri} is not usable: ${parsed.errors.join(' ')}` });
    const { account, container, prefix } = parsed.value;
    const key = `${account}/${container}`;
    let store = this.stores.get(key);
    if (!store) {
      store = this.containerStore(account, container, parsed.value.endpoint);
      this.stores.set(key, store);
    }
    return { store, prefix: prefix === '' ? '' : `${prefix}/`, uri };
  }

  private containerStore(account: string, container: string, accountEndpoint: string): ObjectStore {
    if (this.workspace && accountNameFromEndpoint(this.workspace.endpoint) === account) {
      return new AzureObjectStore(this.workspace.service.getContainerClient(container), this.workspace.endpoint, this.workspace.auth);
    }
    const connectionString = this.env.AZURE_STORAGE_CONNECTION_STRING;
    if (connectionString && parseConnectionString(connectionString).accountName === account) {
      const { client, auth } = createBlobClient('', { kind: 'connectionString', connectionString }, this.env, this.identity);
      return new AzureObjectStore(client.getContainerClient(container), client.url, auth);
    }
    // Metaflow's endpoint setting names where this account is served (an emulator, a private endpoint).
    const configured = this.env.METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT;
    const endpoint = configured && accountNameFromEndpoint(configured) === account ? configured : accountEndpoint;
    const { client, auth } = createBlobClient(endpoint, { kind: 'environment' }, this.env, this.identity);
    return new AzureObjectStore(client.getContainerClient(container), endpoint, auth);
  }
}
