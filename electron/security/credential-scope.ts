// Where a credential taken from the environment may be sent: only to the endpoint it was configured
// with, and only over https unless that endpoint is this computer. The renderer names endpoints and
// tracking URIs, so without this rule it could have main send the user's secrets to any server.

/** 127.0.0.0/8, ::1 and localhost: traffic that never leaves the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

function parse(uri: string): URL | undefined {
  try {
    return new URL(uri);
  } catch {
    return undefined;
  }
}

/** Whether a secret may travel to this URL at all: https, or plain http to this computer. */
export function isSecureOrLoopback(uri: string): boolean {
  const url = parse(uri);
  return url !== undefined && (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname)));
}

/** scheme, host and port: what a browser would call the origin, also for schemes URL gives no origin. */
export function originOf(uri: string): string | undefined {
  const url = parse(uri);
  return url === undefined || url.host === '' ? undefined : `${url.protocol}//${url.host}`;
}

/** The same service endpoint: origin and path, ignoring a trailing slash. */
export function sameEndpoint(a: string, b: string): boolean {
  const left = parse(a);
  const right = parse(b);
  if (!left || !right) return false;
  const trim = (url: URL) => `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
  return trim(left) === trim(right);
}
