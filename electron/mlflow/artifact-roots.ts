import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BlobServiceClient } from '@azure/storage-blob';
import { StratusError } from '../../shared/errors.js';
import { parseWasbs } from '../../shared/wasbs.js';
import { AzureObjectStore } from '../azure/azure-object-store.js';
import type { BlobLocation } from '../core/blob-location.js';
import { createBlobClient, type AuthenticatedClient, type ClientAuth, type Env, type IdentityProvider } from '../azure/blob-client.js';
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

/** A wasbs:// URI's account, container and folder prefix ('' or ending in '/'). */
function parseArtifactUri(uri: string): { account: string; container: string; prefix: string; endpoint: string } {
  const parsed = parseWasbs(uri);
  if (!parsed.ok) throw new StratusError({ code: 'INVALID_ARGUMENT', message: `The artifact URI ${uri} is not usable: ${parsed.errors.join(' ')}` });
  const { account, container, prefix, endpoint } = parsed.value;
  return { account, container, prefix: prefix === '' ? '' : `${prefix}/`, endpoint };
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
    const { account, container, prefix, endpoint } = parseArtifactUri(uri);
    const key = `${account}/${container}`;
    let store = this.stores.get(key);
    if (!store) {
      const access = this.accountAccess(account, endpoint);
      store = new AzureObjectStore(access.client.getContainerClient(container), access.endpoint, access.auth);
      this.stores.set(key, store);
    }
    return { store, prefix, uri };
  }

  /** A wasbs:// artifact location as blobs the engine can move; other locations are refused with the reason. */
  blobLocation(uri: string): BlobLocation {
    if (!/^wasbs?:\/\//i.test(uri)) {
      throw new StratusError({
        code: 'INVALID_ARGUMENT',
        message: `This run keeps its artifacts at ${uri}: Stratus transfers artifacts to and from Azure Blob Storage (wasbs://) locations only.`,
        hint: 'Copy the files to or from that folder with your file manager, or log them with MLflow.',
      });
    }
    const { account, container, prefix, endpoint } = parseArtifactUri(uri);
    const access = this.accountAccess(account, endpoint);
    return { service: access.client, endpoint: access.endpoint, container, prefix };
  }

  private accountAccess(account: string, accountEndpoint: string): AuthenticatedClient & { endpoint: string } {
    if (this.workspace && accountNameFromEndpoint(this.workspace.endpoint) === account) {
      return { client: this.workspace.service, endpoint: this.workspace.endpoint, auth: this.workspace.auth };
    }
    const connectionString = this.env.AZURE_STORAGE_CONNECTION_STRING;
    if (connectionString && parseConnectionString(connectionString).accountName === account) {
      const access = createBlobClient('', { kind: 'connectionString', connectionString }, this.env, this.identity);
      return { ...access, endpoint: access.client.url };
    }
    // Metaflow's endpoint setting names where this account is served (an emulator, a private endpoint).
    const configured = this.env.METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT;
    const endpoint = configured && accountNameFromEndpoint(configured) === account ? configured : accountEndpoint;
    return { ...createBlobClient(endpoint, { kind: 'environment' }, this.env, this.identity), endpoint };
  }
}
