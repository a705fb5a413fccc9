import { StratusError } from '../../shared/errors.js';
import { isLoopbackHost, isSecureOrLoopback, sameEndpoint } from '../security/credential-scope.js';
import type { Env } from '../core/env.js';
import { connectionStringEndpoint, parseConnectionString } from './connection-string.js';

// The storage secrets of the environment go only where they were configured to: a connection string
// to its own account endpoint, an account key to an Azure account endpoint (as MLflow builds it from
// a wasbs:// URI) or to METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT. A workspace's endpoint comes
// from the renderer, which must not be able to aim them at another server.

/** `https://<account>.blob.<suffix>` of Azure's public and sovereign clouds, the service root only. */
const AZURE_ACCOUNT_ENDPOINT = /^https:\/\/[a-z0-9]{3,24}\.blob\.core\.(?:windows\.net|chinacloudapi\.cn|usgovcloudapi\.net)\/?$/i;

const OTHER_SIGN_IN = 'Use that endpoint, or give this workspace its own sign-in: a connection string, account key or SAS entered here, or an Azure identity.';

function refuse(message: string, hint: string): StratusError {
  return new StratusError({ code: 'AUTH_FAILED', message, hint });
}

function requireSecureTransport(variable: string, endpoint: string): void {
  if (!isSecureOrLoopback(endpoint)) {
    throw refuse(`${variable} is sent only over https (or to this computer), and ${endpoint} is not https.`, 'Use the https endpoint of the storage account.');
  }
}

/** The endpoint the connection string is for; throws when the workspace names another one. */
export function connectionStringTarget(endpoint: string, connectionString: string): string {
  const own = connectionStringEndpoint(parseConnectionString(connectionString));
  if (!own) {
    throw refuse('AZURE_STORAGE_CONNECTION_STRING names no account or blob endpoint, so where it may be sent is unknown.', 'Add AccountName or BlobEndpoint to it.');
  }
  const target = endpoint || own;
  if (!sameEndpoint(target, own)) {
    throw refuse(`AZURE_STORAGE_CONNECTION_STRING is sent only to its own account endpoint, ${own}, not to ${target}.`, OTHER_SIGN_IN);
  }
  requireSecureTransport('AZURE_STORAGE_CONNECTION_STRING', target);
  return target;
}

/** Throws unless the endpoint is an Azure account endpoint or the one Metaflow's settings name. */
export function checkAccessKeyEndpoint(endpoint: string, env: Env): void {
  const configured = env.METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT;
  if (!AZURE_ACCOUNT_ENDPOINT.test(endpoint) && !(configured && sameEndpoint(endpoint, configured))) {
    throw refuse(
      `AZURE_STORAGE_ACCESS_KEY is sent only to an Azure storage account endpoint (https://<account>.blob.core.windows.net) or to METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT, not to ${endpoint}.`,
      OTHER_SIGN_IN,
    );
  }
  requireSecureTransport('AZURE_STORAGE_ACCESS_KEY', endpoint);
}

/**
 * An Azure identity's storage token is good for every account the identity can reach, so it goes only to Azure
 * storage account endpoints, to METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT, or to this computer (an emulator):
 * never to a server a workspace merely names.
 */
export function checkIdentityEndpoint(endpoint: string, env: Env): void {
  const configured = env.METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT;
  let loopback = false;
  try {
    loopback = isLoopbackHost(new URL(endpoint).hostname);
  } catch {
    loopback = false;
  }
  if (!AZURE_ACCOUNT_ENDPOINT.test(endpoint) && !(configured && sameEndpoint(endpoint, configured)) && !loopback) {
    throw refuse(
      `An Azure identity's token is sent only to an Azure storage account endpoint (https://<account>.blob.core.windows.net), to METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT or to this computer, not to ${endpoint}.`,
      'Use the account\'s blob endpoint, or set METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT to this one (as for Azure Stack), or give this workspace a SAS or key.',
    );
  }
}
