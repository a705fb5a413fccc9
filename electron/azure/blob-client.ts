import { DefaultAzureCredential } from '@azure/identity';
import {
  AnonymousCredential,
  BlobServiceClient,
  StorageSharedKeyCredential,
  type StoragePipelineOptions,
} from '@azure/storage-blob';
import type { CredentialInput } from '../../shared/contract.js';
import { StratusError } from '../../shared/errors.js';
import { accountNameFromEndpoint, connectionStringEndpoint, parseConnectionString } from './connection-string.js';

export type CredentialKind = 'sharedKey' | 'sas' | 'identity';

export interface ClientAuth {
  /** Which method authenticated, shown to the user; never contains a secret. */
  method: string;
  kind: CredentialKind;
}

export interface AuthenticatedClient {
  client: BlobServiceClient;
  auth: ClientAuth;
}

// Few, quick retries: an unreachable endpoint must turn into a message within seconds, not a long spinner.
const PIPELINE_OPTIONS: StoragePipelineOptions = {
  retryOptions: { maxTries: 3, retryDelayInMs: 200, maxRetryDelayInMs: 2000, tryTimeoutInMs: 60_000 },
};

export type Env = Readonly<Record<string, string | undefined>>;

function fromConnectionString(endpoint: string, connectionString: string, label: string): AuthenticatedClient {
  const parts = parseConnectionString(connectionString);
  const url = endpoint || connectionStringEndpoint(parts);
  if (!url) throw invalidCredential('The connection string names no account or blob endpoint.');
  if (parts.sharedAccessSignature) {
    const sas = parts.sharedAccessSignature.replace(/^\?/, '');
    return { client: new BlobServiceClient(`${url}?${sas}`, new AnonymousCredential(), PIPELINE_OPTIONS), auth: { method: `${label} (SAS)`, kind: 'sas' } };
  }
  if (!parts.accountName || !parts.accountKey) {
    throw invalidCredential('The connection string needs AccountName and AccountKey, or SharedAccessSignature.');
  }
  return { client: sharedKeyClient(url, parts.accountName, parts.accountKey), auth: { method: `${label} (account ${parts.accountName})`, kind: 'sharedKey' } };
}

function sharedKeyClient(endpoint: string, accountName: string, accountKey: string): BlobServiceClient {
  let credential: StorageSharedKeyCredential;
  try {
    credential = new StorageSharedKeyCredential(accountName, accountKey);
  } catch (err) {
    throw invalidCredential(`The account key is not valid base64 (${(err as Error).message}).`);
  }
  return new BlobServiceClient(endpoint, credential, PIPELINE_OPTIONS);
}

function fromAccountKey(endpoint: string, accountKey: string, label: string): AuthenticatedClient {
  const accountName = accountNameFromEndpoint(endpoint);
  if (!accountName) throw invalidCredential(`Cannot tell the storage account from the endpoint ${endpoint}.`);
  return { client: sharedKeyClient(endpoint, accountName, accountKey), auth: { method: `${label} (account ${accountName})`, kind: 'sharedKey' } };
}

function invalidCredential(message: string): StratusError {
  return new StratusError({ code: 'INVALID_ARGUMENT', message });
}

/**
 * Builds the Blob client for a workspace. For 'environment', the order follows MLflow's:
 * connection string, then account key, then Azure identity (DefaultAzureCredential).
 */
export function createBlobClient(endpoint: string, credential: CredentialInput, env: Env): AuthenticatedClient {
  switch (credential.kind) {
    case 'connectionString':
      return fromConnectionString(endpoint, credential.connectionString, 'connection string');
    case 'accountKey':
      return fromAccountKey(endpoint, credential.accountKey, 'account key');
    case 'environment': {
      const cs = env.AZURE_STORAGE_CONNECTION_STRING;
      if (cs) return fromConnectionString(endpoint, cs, 'AZURE_STORAGE_CONNECTION_STRING');
      const key = env.AZURE_STORAGE_ACCESS_KEY ?? env.AZURE_STORAGE_KEY;
      if (key) return fromAccountKey(endpoint, key, 'AZURE_STORAGE_ACCESS_KEY');
      return {
        client: new BlobServiceClient(endpoint, new DefaultAzureCredential(), PIPELINE_OPTIONS),
        auth: { method: 'Azure identity (DefaultAzureCredential)', kind: 'identity' },
      };
    }
  }
}

export function environmentCredentialKind(env: Env): 'connectionString' | 'accountKey' | undefined {
  if (env.AZURE_STORAGE_CONNECTION_STRING) return 'connectionString';
  if (env.AZURE_STORAGE_ACCESS_KEY ?? env.AZURE_STORAGE_KEY) return 'accountKey';
  return undefined;
}
