import type { TokenCredential } from '@azure/core-auth';
import type { SecureContextOptions } from 'node:tls';
import {
  AnonymousCredential,
  BlobServiceClient,
  StorageSharedKeyCredential,
  type StoragePipelineOptions,
} from '@azure/storage-blob';
import type { CredentialInput } from '../../shared/contract.js';
import { StratusError } from '../../shared/errors.js';
import { bearerPipeline } from './bearer-token-policy.js';
import { accountNameFromEndpoint, connectionStringEndpoint, parseConnectionString } from './connection-string.js';
import { checkAccessKeyEndpoint, checkIdentityEndpoint, connectionStringTarget } from './environment-endpoint.js';
import { describeSas, sasExpiry, sasQuery } from './sas.js';
import type { TokenCache } from './token-cache.js';
import type { Env } from '../core/env.js';

export type CredentialKind = 'sharedKey' | 'sas' | 'identity';

export interface ClientAuth {
  /** Which method authenticated, shown to the user; never contains a secret. */
  method: string;
  kind: CredentialKind;
  /** As whom, where the method says: the account of a key, the scope of a SAS. Identities are named after a token is issued. */
  principal?: string;
  /** For identities: where their tokens come from. */
  bearer?: { credential: TokenCredential; tenantId?: string };
}

export interface AuthenticatedClient {
  client: BlobServiceClient;
  auth: ClientAuth;
}

/**
 * StoragePipelineOptions plus the TLS settings the SDK's core pipeline applies at run time
 * (its type does not declare them).
 */
export type BlobPipelineOptions = StoragePipelineOptions & { tlsOptions?: Pick<SecureContextOptions, 'ca'> };

/** Azure identity for bearer tokens: one credential per tenant, and the app's one token cache. */
export interface IdentityProvider {
  cache: TokenCache;
  credential(tenantId?: string): TokenCredential;
  /**
   * Added to PIPELINE_OPTIONS for the clients of this identity. Bearer tokens need https, and tests
   * use this to trust an emulator's self-signed certificate (NODE_EXTRA_CA_CERTS is read only at startup).
   */
  pipelineOptions?: BlobPipelineOptions;
}

// Few, quick retries: an unreachable endpoint must turn into a message within seconds, not a long spinner.
export const PIPELINE_OPTIONS: StoragePipelineOptions = {
  retryOptions: { maxTries: 3, retryDelayInMs: 200, maxRetryDelayInMs: 2000, tryTimeoutInMs: 60_000 },
};

export type { Env };

function invalidCredential(message: string): StratusError {
  return new StratusError({ code: 'INVALID_ARGUMENT', message });
}

function sharedKeyClient(endpoint: string, accountName: string, accountKey: string, label: string): AuthenticatedClient {
  let credential: StorageSharedKeyCredential;
  try {
    credential = new StorageSharedKeyCredential(accountName, accountKey);
  } catch (err) {
    throw invalidCredential(`The account key is not valid base64 (${(err as Error).message}).`);
  }
  return {
    client: new BlobServiceClient(endpoint, credential, PIPELINE_OPTIONS),
    auth: { method: label, kind: 'sharedKey', principal: `account ${accountName}` },
  };
}

function sasClient(endpoint: string, sas: string, label: string): AuthenticatedClient {
  const query = sasQuery(sas);
  if (!query) throw invalidCredential('The SAS has no signature (sig=…): paste the whole SAS URL or token.');
  const expiry = sasExpiry(query);
  if (expiry && expiry.getTime() <= Date.now()) {
    throw new StratusError({ code: 'AUTH_FAILED', message: `The SAS expired at ${expiry.toISOString()}.`, hint: 'Generate a new SAS and enter it again.' });
  }
  return {
    client: new BlobServiceClient(`${endpoint.replace(/\/+$/, '')}?${query}`, new AnonymousCredential(), PIPELINE_OPTIONS),
    auth: { method: label, kind: 'sas', principal: describeSas(query) },
  };
}

function fromConnectionString(endpoint: string, connectionString: string, label: string): AuthenticatedClient {
  const parts = parseConnectionString(connectionString);
  const url = endpoint || connectionStringEndpoint(parts);
  if (!url) throw invalidCredential('The connection string names no account or blob endpoint.');
  if (parts.sharedAccessSignature) return sasClient(url, parts.sharedAccessSignature, `${label} (SAS)`);
  if (!parts.accountName || !parts.accountKey) {
    throw invalidCredential('The connection string needs AccountName and AccountKey, or SharedAccessSignature.');
  }
  return sharedKeyClient(url, parts.accountName, parts.accountKey, label);
}

function fromAccountKey(endpoint: string, accountKey: string, label: string): AuthenticatedClient {
  const accountName = accountNameFromEndpoint(endpoint);
  if (!accountName) throw invalidCredential(`Cannot tell the storage account from the endpoint ${endpoint}.`);
  return sharedKeyClient(endpoint, accountName, accountKey, label);
}

function fromIdentity(endpoint: string, identity: IdentityProvider, tenantId: string | undefined, label: string, env: Env): AuthenticatedClient {
  checkIdentityEndpoint(endpoint, env);
  const credential = identity.credential(tenantId);
  const options = { ...PIPELINE_OPTIONS, ...identity.pipelineOptions };
  return {
    client: new BlobServiceClient(endpoint, bearerPipeline({ cache: identity.cache, credential, tenantId }, options)),
    auth: { method: label, kind: 'identity', bearer: { credential, tenantId } },
  };
}

/**
 * Builds the Blob client for a workspace. For 'environment', the order follows MLflow's:
 * connection string, then account key, then Azure identity (DefaultAzureCredential); the first two
 * only for the endpoint they were configured with (environment-endpoint.ts).
 */
export function createBlobClient(endpoint: string, credential: CredentialInput, env: Env, identity: IdentityProvider): AuthenticatedClient {
  switch (credential.kind) {
    case 'connectionString':
      return fromConnectionString(endpoint, credential.connectionString, 'connection string');
    case 'accountKey':
      return fromAccountKey(endpoint, credential.accountKey, 'account key');
    case 'sas':
      return sasClient(endpoint, credential.sas, 'SAS');
    case 'identity':
      return fromIdentity(endpoint, identity, credential.tenantId, 'Azure identity', env);
    case 'environment': {
      const cs = env.AZURE_STORAGE_CONNECTION_STRING;
      if (cs) return fromConnectionString(connectionStringTarget(endpoint, cs), cs, 'AZURE_STORAGE_CONNECTION_STRING');
      const key = env.AZURE_STORAGE_ACCESS_KEY ?? env.AZURE_STORAGE_KEY;
      if (key) {
        checkAccessKeyEndpoint(endpoint, env);
        return fromAccountKey(endpoint, key, 'AZURE_STORAGE_ACCESS_KEY');
      }
      return fromIdentity(endpoint, identity, env.AZURE_TENANT_ID, 'Azure identity (DefaultAzureCredential)', env);
    }
  }
}

export function environmentCredentialKind(env: Env): 'connectionString' | 'accountKey' | undefined {
  if (env.AZURE_STORAGE_CONNECTION_STRING) return 'connectionString';
  if (env.AZURE_STORAGE_ACCESS_KEY ?? env.AZURE_STORAGE_KEY) return 'accountKey';
  return undefined;
}
