import type { Env } from '../../core/env.js';
import { sameEndpoint } from '../../security/credential-scope.js';
import type { ServiceSecrets } from './service-auth.js';
import { MetadataServiceClient } from './service-client.js';
import { ServiceRuns } from './service-runs.js';

// A workspace's metadata service, opened from what the workspace names. Secrets typed for it are used as given;
// otherwise METAFLOW_SERVICE_AUTH_KEY and METAFLOW_SERVICE_HEADERS from the environment, but only for the service
// METAFLOW_SERVICE_URL names, so a workspace pointing elsewhere never receives them.

export interface ServiceSettings {
  url: string;
  secrets?: { authKey?: string; headers?: string };
}

export function serviceSecrets(settings: ServiceSettings, env: Env): ServiceSecrets {
  if (settings.secrets !== undefined) return { authKey: settings.secrets.authKey, headersJson: settings.secrets.headers };
  const envUrl = env.METAFLOW_SERVICE_URL;
  if (envUrl === undefined || envUrl === '' || !sameEndpoint(envUrl, settings.url)) return {};
  return { authKey: env.METAFLOW_SERVICE_AUTH_KEY || undefined, headersJson: env.METAFLOW_SERVICE_HEADERS || undefined };
}

export function openService(settings: ServiceSettings, env: Env): ServiceRuns {
  return new ServiceRuns(new MetadataServiceClient(settings.url, serviceSecrets(settings, env)));
}

/**
 * The user whose namespace Metaflow's client starts in, as metaflow.util.get_username finds it: the first of
 * METAFLOW_USER, SUDO_USER, USERNAME, USER that is set and not root. None means all namespaces, as there.
 */
export function metaflowUser(env: Env): string | undefined {
  for (const key of ['METAFLOW_USER', 'SUDO_USER', 'USERNAME', 'USER']) {
    const value = env[key];
    if (value !== undefined && value !== '' && value !== 'root') return value;
  }
  return undefined;
}
