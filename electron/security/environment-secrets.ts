import type { Env } from '../azure/blob-client.js';
import { parseConnectionString } from '../azure/connection-string.js';
import { sasQuery } from '../azure/sas.js';

// The secrets this process took from its environment, so that error texts can be scrubbed of them
// even where a server echoes one back without a recognisable shape.

function userInfoPassword(uri: string | undefined): string | undefined {
  if (!uri) return undefined;
  try {
    const password = new URL(uri).password;
    return password === '' ? undefined : decodeURIComponent(password);
  } catch {
    return undefined;
  }
}

export function environmentSecrets(env: Env): string[] {
  const secrets: (string | undefined)[] = [
    env.MLFLOW_TRACKING_TOKEN,
    env.MLFLOW_TRACKING_PASSWORD,
    env.MLFLOW_TRACKING_USERNAME && env.MLFLOW_TRACKING_PASSWORD
      ? Buffer.from(`${env.MLFLOW_TRACKING_USERNAME}:${env.MLFLOW_TRACKING_PASSWORD}`, 'utf8').toString('base64')
      : undefined,
    userInfoPassword(env.MLFLOW_TRACKING_URI),
    env.AZURE_STORAGE_ACCESS_KEY,
    env.AZURE_STORAGE_KEY,
    env.AZURE_CLIENT_SECRET,
  ];
  const connectionString = env.AZURE_STORAGE_CONNECTION_STRING;
  if (connectionString) {
    const parts = parseConnectionString(connectionString);
    const sas = parts.sharedAccessSignature === undefined ? undefined : sasQuery(parts.sharedAccessSignature);
    secrets.push(connectionString, parts.accountKey, sas === undefined ? undefined : new URLSearchParams(sas).get('sig') ?? undefined);
  }
  return secrets.filter((s): s is string => s !== undefined && s !== '');
}
