import { readdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { Endpoint } from '../../shared/contract.js';
import { checkSysroot } from '../../shared/sysroot.js';
import type { Env } from '../azure/blob-client.js';
import { environmentCredentialKind } from '../azure/blob-client.js';
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

function describe(source: string, values: Record<string, unknown>, env: Env, file?: string): ImportedWorkspace {
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
  const problems: string[] = [];
  const overridden = file === undefined ? [] : Object.values(KEYS).filter((key) => text(env[key]) !== undefined && text(values[key]) !== undefined);
  for (const root of [sysroot, cardRoot]) {
    const check = root && checkSysroot(root.value);
    if (check && !check.ok) problems.push(...check.errors.map((e) => `${root.where}: ${e}`));
  }
  const endpointCheck = endpoint && Endpoint.safeParse(endpoint.value);
  if (endpointCheck && !endpointCheck.success) problems.push(...endpointCheck.error.issues.map((i) => `${endpoint.where}: ${i.message}`));
  return {
    source,
    sysroot: sysroot?.value,
    // User info is a credential: it stays in main (the environment's is used for its own server).
    endpoint: endpoint && splitUserInfo(endpoint.value).uri,
    cardRoot: cardRoot?.value ?? (sysroot ? `${sysroot.value}/mf.cards` : undefined),
    mlflowTrackingUri: trackingUri && splitUserInfo(trackingUri).uri,
    environmentCredential: environmentCredentialKind(env),
    ...(overridden.length > 0 ? { fromEnvironment: overridden } : {}),
    ...(serviceUrl === undefined ? {} : { metadataServiceUrl: splitUserInfo(serviceUrl.value).uri }),
    problems,
  };
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

/** Every importable source: the environment first, then each Metaflow profile (the active one first). */
export async function importWorkspaces(env: Env): Promise<ImportedWorkspace[]> {
  const dir = metaflowConfigDir(env);
  const found: ImportedWorkspace[] = [];
  const fromEnv = describe('environment', {}, env);
  if (fromEnv.sysroot || fromEnv.endpoint) found.push(fromEnv);
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
    found.push({ source: env.METAFLOW_PROFILE, problems: [`METAFLOW_PROFILE is "${env.METAFLOW_PROFILE}" but ${path.join(dir, active)} does not exist.`] });
  }
  for (const file of files) {
    const full = path.join(dir, file);
    const profile = await readProfile(full);
    const name = profileName(file) ?? file;
    if ('problem' in profile) found.push({ source: name, problems: [profile.problem] });
    else found.push(describe(name, profile.values, env, full));
  }
  return found;
}
