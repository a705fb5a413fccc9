import type { Env } from '../azure/blob-client.js';
import { connectionStringEndpoint, parseConnectionString } from '../azure/connection-string.js';
import { usageError } from './output.js';

/** --endpoint, else METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT, else the connection string's endpoint. */
export function resolveEndpoint(explicit: string | undefined, env: Env): string {
  const endpoint =
    explicit ??
    env.METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT ??
    (env.AZURE_STORAGE_CONNECTION_STRING ? connectionStringEndpoint(parseConnectionString(env.AZURE_STORAGE_CONNECTION_STRING)) : undefined);
  if (!endpoint) throw usageError('No blob endpoint: pass --endpoint URL or set METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT.');
  return endpoint;
}
