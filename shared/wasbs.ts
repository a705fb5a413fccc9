import { checkSysroot, type SysrootParts } from './sysroot.js';

// `wasbs://<container>@<account>.blob.core.windows.net/<path>`: the form MLflow artifact URIs and
// many notebooks use. It names the endpoint, the container and a prefix in one string.

export interface WasbsLocation extends SysrootParts {
  account: string;
  endpoint: string;
}

export type WasbsCheck = { ok: true; value: WasbsLocation } | { ok: false; errors: string[] };

const WASBS = /^(wasbs?):\/\/([^@/]+)@([^/]+)(\/.*)?$/;

export function parseWasbs(uri: string): WasbsCheck {
  const match = WASBS.exec(uri.trim());
  if (!match) return { ok: false, errors: ['Expected wasbs://<container>@<account>.blob.core.windows.net/<path>.'] };
  const [, scheme, container, host, rawPath = ''] = match;
  const account = host.split('.')[0];
  if (!/^[a-z0-9]{3,24}$/.test(account)) {
    return { ok: false, errors: [`"${account}" is not a storage account name (3-24 lowercase letters and digits).`] };
  }
  const path = rawPath.replace(/^\/+/, '').replace(/\/+$/, '');
  const sysroot = checkSysroot(path === '' ? container : `${container}/${path}`);
  if (!sysroot.ok) return sysroot;
  const protocol = scheme === 'wasbs' ? 'https' : 'http';
  return { ok: true, value: { ...sysroot.value, account, endpoint: `${protocol}://${host}` } };
}
