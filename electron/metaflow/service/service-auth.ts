import { StratusError } from '../../../shared/errors.js';
import { parseServiceHeaders } from '../../../shared/service-headers.js';
import { isSecureOrLoopback } from '../../security/credential-scope.js';

// The headers Metaflow's client sends to its metadata service: METAFLOW_SERVICE_HEADERS (a JSON object) with
// METAFLOW_SERVICE_AUTH_KEY as `x-api-key` on top, as metaflow/metaflow_config.py builds SERVICE_HEADERS.
// They are secrets: they go only to the service URL they were configured with, over https unless it is this computer.

export interface ServiceSecrets {
  authKey?: string;
  /** METAFLOW_SERVICE_HEADERS as written: a JSON object of header name to value. */
  headersJson?: string;
}

export function serviceHeaders(secrets: ServiceSecrets): Record<string, string> {
  const parsed = parseServiceHeaders(secrets.headersJson ?? '');
  if (!parsed.ok) {
    throw new StratusError({ code: 'INVALID_ARGUMENT', message: `METAFLOW_SERVICE_HEADERS cannot be used: ${parsed.errors.join(' ')}` });
  }
  const headers = { ...parsed.headers };
  if (secrets.authKey !== undefined && secrets.authKey !== '') headers['x-api-key'] = secrets.authKey;
  return headers;
}

/** The service URL, checked: http(s), no user info; with secrets, https or this computer only. */
export function checkServiceUrl(url: string, hasSecrets: boolean): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StratusError({ code: 'INVALID_ARGUMENT', message: `The metadata service URL "${url.slice(0, 200)}" is not a URL.` });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new StratusError({ code: 'INVALID_ARGUMENT', message: 'The metadata service URL must start with http:// or https://.' });
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new StratusError({ code: 'INVALID_ARGUMENT', message: 'The metadata service URL must not hold a user or password; give the auth key or headers instead.' });
  }
  if (hasSecrets && !isSecureOrLoopback(parsed.href)) {
    throw new StratusError({
      code: 'INVALID_ARGUMENT',
      message: `The metadata service auth key or headers are only sent over https (or to this computer), and ${parsed.origin} is plain http.`,
      hint: 'Use the https:// address of the service.',
    });
  }
  return parsed;
}
