import { checkSysroot, type SysrootParts } from './sysroot.js';

// `wasbs://<container>@<account>.blob.core.windows.net/<path>`: the form MLflow artifact URIs and
// many notebooks use. It names the endpoint, the container and a prefix in one string.

export interface WasbsLocation extends SysrootParts {
  account: string;
  endpoint: string;
}

export type WasbsCheck = { ok: true; value: WasbsLocation } | { ok: false; errors: string[] };

// URI schemes are case-insensitive (RFC 3986), so WASBS:// is the same URI.
const WASBS = /^(wasbs?):\/\/([^@/]+)@([^/]+)(\/.*)?$/i;
const HOST = /^[A-Za-z0-9.-]+(?::\d{1,5})?$/;

export function parseWasbs(uri: string): WasbsCheck {
  const match = WASBS.exec(uri.trim());
  if (!match) return { ok: false, errors: ['Expected wasbs://<container>@<account>.blob.core.windows.net/<path>.'] };
  const [, scheme, container, host, rawPath = ''] = match;
  const labels = host.split('.');
  const account = labels[0];
  if (!/^[a-z0-9]{3,24}$/.test(account)) {
    return { ok: false, errors: [`"${account}" is not a storage account name (3-24 lowercase letters and digits).`] };
  }
  // Without `.blob.<suffix>` the endpoint would be a bare host name that never resolves to the account;
  // a second '@' or other stray characters would make it a URL with user info pointing elsewhere.
  if (labels.length < 3 || labels[1].toLowerCase() !== 'blob' || !HOST.test(host)) {
    return { ok: false, errors: [`"${host}" is not a blob endpoint host such as ${account}.blob.core.windows.net.`] };
  }
  if (/[?#]/.test(rawPath)) {
    return { ok: false, errors: ['A wasbs URI has no query (?…) or fragment (#…); paste a SAS URL as a SAS instead.'] };
  }
  // Only the one separator after the host and one trailing slash go: any other empty segment ("//")
  // would address a different blob name, so checkSysroot reports it.
  const path = rawPath.replace(/^\//, '').replace(/\/$/, '');
  const sysroot = checkSysroot(path === '' ? container : `${container}/${path}`);
  if (!sysroot.ok) return sysroot;
  const protocol = scheme.toLowerCase() === 'wasbs' ? 'https' : 'http';
  return { ok: true, value: { ...sysroot.value, account, endpoint: `${protocol}://${host}` } };
}
