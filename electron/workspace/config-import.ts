import { readdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { checkSysroot } from '../../shared/sysroot.js';
import type { Env } from '../azure/blob-client.js';
import { environmentCredentialKind } from '../azure/blob-client.js';

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
  /** What is wrong with this source, one message each; the source is still listed. */
  problems: string[];
}

const KEYS = {
  sysroot: 'METAFLOW_DATASTORE_SYSROOT_AZURE',
  endpoint: 'METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT',
  cardRoot: 'METAFLOW_CARD_AZUREROOT',
} as const;

export function metaflowConfigDir(env: Env): string {
  return env.METAFLOW_HOME || path.join(homedir(), '.metaflowconfig');
}

function profileName(file: string): string | undefined {
  if (file === 'config.json') return 'default';
  const match = /^config_(.+)\.json$/.exec(file);
  return match?.[1];
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function describe(source: string, values: Record<string, unknown>, env: Env, file?: string): ImportedWorkspace {
  const problems: string[] = [];
  const pick = (key: string) => text(env[key]) ?? text(values[key]);
  const sysroot = pick(KEYS.sysroot);
  if (sysroot) {
    const check = checkSysroot(sysroot);
    if (!check.ok) problems.push(...check.errors.map((e) => `${KEYS.sysroot}${file ? ` in ${file}` : ''}: ${e}`));
  }
  const cardRoot = pick(KEYS.cardRoot) ?? (sysroot ? `${sysroot}/mf.cards` : undefined);
  return {
    source,
    sysroot,
    endpoint: pick(KEYS.endpoint),
    cardRoot,
    mlflowTrackingUri: text(env.MLFLOW_TRACKING_URI),
    environmentCredential: environmentCredentialKind(env),
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
  for (const file of files) {
    const full = path.join(dir, file);
    const profile = await readProfile(full);
    const name = profileName(file) ?? file;
    if ('problem' in profile) found.push({ source: name, problems: [profile.problem] });
    else found.push(describe(name, profile.values, env, full));
  }
  return found;
}
