import { readdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { Endpoint } from '../../shared/contract.js';
import { checkSysroot } from '../../shared/sysroot.js';
import type { Env } from '../azure/blob-client.js';
import { environmentCredentialKind } from '../azure/blob-client.js';
import { StratusError } from '../../shared/errors.js';
import { parseServiceHeaders } from '../../shared/service-headers.js';
import { sameEndpoint } from '../security/credential-scope.js';
import { splitUserInfo } from './uri-user-info.js';

// Workspaces users already have: their environment and their Metaflow config profiles
// (`$METAFLOW_HOME` or `~/.metaflowconfig`, `config.json` and `config_<profile>.json`).
// As in Metaflow's from_conf, an environment variable wins over the profile's value.

export interface ImportedWorkspace {
  /** 'environment' or the profile name ('default' for config.json). */
  source: string;
  sysroot?: string;
  endpoint?: string;
  cardRoot?: string;
  mlflowTrackingUri?: string;
  environmentCredential?: 'connectionString' | 'accountKey';
  /** For a profile: the variables whose value came from the environment instead (it wins, as in Metaflow). */
  fromEnvironment?: string[];
  /** METAFLOW_SERVICE_URL, when METAFLOW_DEFAULT_METADATA is `service`. */
  metadataServiceUrl?: string;
  /** METAFLOW_SERVICE_AUTH_KEY / METAFLOW_SERVICE_HEADERS are set for that service: only whether, never the value. */
  serviceAuthKeySet?: boolean;
  serviceHeadersSet?: boolean;
  /** What is wrong with this source, one message each; the source is still listed. */
  problems: string[];
}

const KEYS = {
  sysroot: 'METAFLOW_DATASTORE_SYSROOT_AZURE',
  endpoint: 'METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT',
  cardRoot: 'METAFLOW_CARD_AZUREROOT',
} as const;

/** Metaflow expands `~` in METAFLOW_HOME (os.path.expanduser), so `METAFLOW_HOME='~/mf'` means the home folder. */
export function metaflowConfigDir(env: Env): string {
  const home = env.METAFLOW_HOME;
  if (!home) return path.join(homedir(), '.metaflowconfig');
  return /^~(?=$|[\\/])/.test(home) ? path.join(homedir(), home.slice(1)) : home;
}

function profileName(file: string): string | undefined {
  if (file === 'config.json') return 'default';
  const match = /^config_(.+)\.json$/.exec(file);
  return match?.[1];
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

interface Picked {
  value: string;
  /** Where the value came from, for messages: the variable and the environment or the file. */
  where: string;
}

/** The service's secrets a source names, kept in main: the vault takes them when the imported workspace is saved. */
export interface ImportedServiceSecrets {
  url: string;
  authKey?: string;
  headers?: string;
}

interface Described {
  workspace: ImportedWorkspace;
  secrets?: ImportedServiceSecrets;
}

function describe(source: string, values: Record<string, unknown>, env: Env, file?: string): Described {
  const pick = (key: string): Picked | undefined => {
    const fromEnv = text(env[key]);
    if (fromEnv !== undefined) return { value: fromEnv, where: `${key} (from the environment)` };
    const fromFile = text(values[key]);
    return fromFile === undefined ? undefined : { value: fromFile, where: `${key} in ${file ?? source}` };
  };
  const sysroot = pick(KEYS.sysroot);
  const cardRoot = pick(KEYS.cardRoot);
  const endpoint = pick(KEYS.endpoint);
  const trackingUri = text(env.MLFLOW_TRACKING_URI);
  const serviceUrl = pick('METAFLOW_DEFAULT_METADATA')?.value === 'service' ? pick('METAFLOW_SERVICE_URL') : undefined;
  const authKey = serviceUrl && pick('METAFLOW_SERVICE_AUTH_KEY');
  const headers = serviceUrl && pick('METAFLOW_SERVICE_HEADERS');
  const problems: string[] = [];
  const headersCheck = headers && parseServiceHeaders(headers.value);
  if (headers && headersCheck && !headersCheck.ok) problems.push(...headersCheck.errors.map((e) => `${headers.where}: ${e}`));
  const overridden = file === undefined ? [] : Object.values(KEYS).filter((key) => text(env[key]) !== undefined && text(values[key]) !== undefined);
  for (const root of [sysroot, cardRoot]) {
    const check = root && checkSysroot(root.value);
    if (check && !check.ok) problems.push(...check.errors.map((e) => `${root.where}: ${e}`));
  }
  const endpointCheck = endpoint && Endpoint.safeParse(endpoint.value);
  if (endpointCheck && !endpointCheck.success) problems.push(...endpointCheck.error.issues.map((i) => `${endpoint.where}: ${i.message}`));
  const url = serviceUrl && splitUserInfo(serviceUrl.value).uri;
  const workspace: ImportedWorkspace = {
    source,
    sysroot: sysroot?.value,
    // User info is a credential: it stays in main (the environment's is used for its own server).
    endpoint: endpoint && splitUserInfo(endpoint.value).uri,
    cardRoot: cardRoot?.value ?? (sysroot ? `${sysroot.value}/mf.cards` : undefined),
    mlflowTrackingUri: trackingUri && splitUserInfo(trackingUri).uri,
    environmentCredential: environmentCredentialKind(env),
    ...(overridden.length > 0 ? { fromEnvironment: overridden } : {}),
    ...(url === undefined ? {} : { metadataServiceUrl: url }),
    ...(authKey ? { serviceAuthKeySet: true } : {}),
    ...(headers ? { serviceHeadersSet: true } : {}),
    problems,
  };
  const secrets = url !== undefined && (authKey || headers) ? { url, ...(authKey ? { authKey: authKey.value } : {}), ...(headers ? { headers: headers.value } : {}) } : undefined;
  return { workspace, ...(secrets ? { secrets } : {}) };
}

async function readProfile(file: string): Promise<{ values: Record<string, unknown> } | { problem: string }> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (err) {
    return { problem: `${file} could not be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).` };
  }
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return { problem: `${file} is not a JSON object of Metaflow settings.` };
    }
    return { values: parsed as Record<string, unknown> };
  } catch (err) {
    return { problem: `${file} is not valid JSON: ${(err as Error).message}` };
  }
}

async function readSources(env: Env): Promise<Described[]> {
  const dir = metaflowConfigDir(env);
  const found: Described[] = [];
  const fromEnv = describe('environment', {}, env);
  if (fromEnv.workspace.sysroot || fromEnv.workspace.endpoint) found.push(fromEnv);
  let files: string[] = [];
  try {
    files = (await readdir(dir)).filter((f) => profileName(f) !== undefined).sort();
  } catch {
    // No Metaflow config folder: nothing to import from it.
  }
  const active = env.METAFLOW_PROFILE ? `config_${env.METAFLOW_PROFILE}.json` : 'config.json';
  files.sort((a, b) => Number(b === active) - Number(a === active));
  // Metaflow refuses to start when the named profile is missing; say so instead of silently skipping it.
  if (env.METAFLOW_PROFILE && !files.includes(active)) {
    found.push({ workspace: { source: env.METAFLOW_PROFILE, problems: [`METAFLOW_PROFILE is "${env.METAFLOW_PROFILE}" but ${path.join(dir, active)} does not exist.`] } });
  }
  for (const file of files) {
    const full = path.join(dir, file);
    const profile = await readProfile(full);
    const name = profileName(file) ?? file;
    if ('problem' in profile) found.push({ workspace: { source: name, problems: [profile.problem] } });
    else found.push(describe(name, profile.values, env, full));
  }
  return found;
}

/** Every importable source: the environment first, then each Metaflow profile (the active one first). No secret. */
export async function importWorkspaces(env: Env): Promise<ImportedWorkspace[]> {
  return (await readSources(env)).map((d) => d.workspace);
}

/**
 * The metadata service secrets of one imported source (`environment` or a profile name), read again when its
 * workspace is saved or opened, so they go from the profile to the vault without crossing to the renderer. They
 * are given only for the service URL the source names with them.
 */
export async function importedServiceSecrets(env: Env, source: string, url: string): Promise<{ authKey?: string; headers?: string }> {
  const found = (await readSources(env)).find((d) => d.workspace.source === source);
  const secrets = found?.secrets;
  if (!secrets) {
    throw new StratusError({ code: 'NOT_FOUND', message: `The Metaflow profile "${source}" no longer names a metadata service auth key or headers.` });
  }
  if (!sameEndpoint(secrets.url, url)) {
    throw new StratusError({
      code: 'INVALID_ARGUMENT',
      message: `The auth key and headers of the profile "${source}" are for ${secrets.url}, so they are not sent to ${url}.`,
      hint: 'Enter the auth key or headers for this service in the form.',
    });
  }
  return { ...(secrets.authKey === undefined ? {} : { authKey: secrets.authKey }), ...(secrets.headers === undefined ? {} : { headers: secrets.headers }) };
}
