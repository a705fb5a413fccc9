import { z } from 'zod';
import { StratusError } from '../../../shared/errors.js';
import { isSecureOrLoopback } from '../../security/credential-scope.js';

// The headers Metaflow's client sends to its metadata service: METAFLOW_SERVICE_HEADERS (a JSON object) with
// METAFLOW_SERVICE_AUTH_KEY as `x-api-key` on top, as metaflow/metaflow_config.py builds SERVICE_HEADERS.
// They are secrets: they go only to the service URL they were configured with, over https unless it is this computer.

export interface ServiceSecrets {
  authKey?: string;
  /** METAFLOW_SERVICE_HEADERS as written: a JSON object of header name to value. */
  headersJson?: string;
}

const HeaderName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/;
const Headers = z.record(z.string().regex(HeaderName, 'a header name'), z.string().max(8192).regex(/^[^\r\n]*$/, 'one line'));

export function serviceHeaders(secrets: ServiceSecrets): Record<string, string> {
  let headers: Record<string, string> = {};
  if (secrets.headersJson !== undefined && secrets.headersJson.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(secrets.headersJson);
    } catch {
      throw new StratusError({ code: 'INVALID_ARGUMENT', message: 'METAFLOW_SERVICE_HEADERS is not valid JSON.', hint: 'Write it as a JSON object, e.g. {"x-api-key": "…"}.' });
    }
    const checked = Headers.safeParse(parsed);
    if (!checked.success) {
      throw new StratusError({ code: 'INVALID_ARGUMENT', message: 'METAFLOW_SERVICE_HEADERS must be a JSON object of header names to one-line string values.' });
    }
    headers = checked.data;
  }
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
