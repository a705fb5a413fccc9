import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../electron/services.js';
import { importedServiceSecrets } from '../../electron/workspace/config-import.js';
import { MemoryVault } from '../../electron/workspace/secret-vault.js';
import { WorkspaceStore } from '../../electron/workspace/workspace-store.js';
import { checkDraft, draftFromImport } from '../../renderer/src/workspaces/draft.js';
import { contract, type ImportedWorkspace } from '../../shared/contract.js';
import { parseServiceHeaders } from '../../shared/service-headers.js';

// The metadata service's auth from a Metaflow profile and from the workspace form: METAFLOW_SERVICE_AUTH_KEY and
// METAFLOW_SERVICE_HEADERS go from the profile into main's vault, never into the saved config or across IPC, and
// headers typed in the form are checked before anything is saved or sent.

const KEY = 'profile-key-93b1c2';
const HEADER_VALUE = 'Bearer tok-5d7e0f';
const URL = 'https://metaflow.example.com/api';
const PROFILE = {
  METAFLOW_DEFAULT_DATASTORE: 'azure',
  METAFLOW_DATASTORE_SYSROOT_AZURE: 'team-container/metaflow',
  METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT: 'https://teamacct.blob.core.windows.net/',
  METAFLOW_DEFAULT_METADATA: 'service',
  METAFLOW_SERVICE_URL: URL,
  METAFLOW_SERVICE_AUTH_KEY: KEY,
  METAFLOW_SERVICE_HEADERS: JSON.stringify({ Authorization: HEADER_VALUE }),
};

let scratch: string;
let services: Services;
let env: Record<string, string>;
let vault: MemoryVault;

beforeEach(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'stratus-service-auth-'));
  await mkdir(path.join(scratch, 'mf'));
  await writeFile(path.join(scratch, 'mf', 'config_team.json'), JSON.stringify(PROFILE));
  env = { METAFLOW_HOME: path.join(scratch, 'mf'), METAFLOW_PROFILE: 'team' };
  vault = new MemoryVault();
  services = createServices({ env, userDataDir: path.join(scratch, 'data'), vault });
});

afterEach(async () => {
  await services.close();
  await rm(scratch, { recursive: true, force: true });
});

async function call(channel: 'workspace.import' | 'workspace.save', args: unknown): Promise<unknown> {
  const reply = await services.router.dispatch(channel, args);
  if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
  return reply.value;
}

describe('service auth imported from a Metaflow profile', () => {
  it('tells the renderer only that the auth key and headers are set', async () => {
    const reply = await call('workspace.import', {});
    const { candidates } = contract['workspace.import'].result.parse(reply);
    const team = candidates.find((c: ImportedWorkspace) => c.source === 'team');
    expect(team).toMatchObject({ metadataServiceUrl: URL, serviceAuthKeySet: true, serviceHeadersSet: true, problems: [] });
    expect(JSON.stringify(reply)).not.toContain(KEY);
    expect(JSON.stringify(reply)).not.toContain(HEADER_VALUE);
  });

  it('saves them into the vault from the profile, not into the saved workspace file', async () => {
    const { candidates } = contract['workspace.import'].result.parse(await call('workspace.import', {}));
    const draft = draftFromImport(candidates.find((c: ImportedWorkspace) => c.source === 'team') as ImportedWorkspace);
    const save = checkDraft(draft).save;
    expect(save?.serviceSecretsFrom).toBe('team');
    expect(JSON.stringify(save)).not.toContain(KEY);
    const saved = contract['workspace.save'].result.parse(await call('workspace.save', save));
    expect(await readFile(path.join(scratch, 'data', 'workspaces.json'), 'utf8')).not.toContain(KEY);
    const vaulted = await new WorkspaceStore(path.join(scratch, 'data'), vault).get(saved.id);
    expect(vaulted.serviceSecrets).toEqual({ authKey: KEY, headers: PROFILE.METAFLOW_SERVICE_HEADERS });
  });

  it('gives the profile\'s secrets only for the service URL the profile names them with', async () => {
    expect(await importedServiceSecrets(env, 'team', `${URL}/`)).toEqual({ authKey: KEY, headers: PROFILE.METAFLOW_SERVICE_HEADERS });
    await expect(importedServiceSecrets(env, 'team', 'https://elsewhere.example.com/api')).rejects.toThrow(/are for https:\/\/metaflow\.example\.com\/api, so they are not sent to https:\/\/elsewhere/);
    // A URL edited in the form no longer takes the imported secrets.
    const { candidates } = contract['workspace.import'].result.parse(await call('workspace.import', {}));
    const draft = draftFromImport(candidates.find((c: ImportedWorkspace) => c.source === 'team') as ImportedWorkspace);
    expect(checkDraft({ ...draft, metadataServiceUrl: 'https://elsewhere.example.com/api' }).save?.serviceSecretsFrom).toBeUndefined();
  });

  it('names a profile\'s bad headers as a problem of that profile, without their values', async () => {
    await writeFile(path.join(scratch, 'mf', 'config_team.json'), JSON.stringify({ ...PROFILE, METAFLOW_SERVICE_HEADERS: '{"Bad Name": "x"}' }));
    const { candidates } = contract['workspace.import'].result.parse(await call('workspace.import', {}));
    const team = candidates.find((c: ImportedWorkspace) => c.source === 'team');
    expect(team?.problems.join('\n')).toMatch(/METAFLOW_SERVICE_HEADERS in .*config_team\.json: "Bad Name": A header name is a token/);
  });
});

describe('service headers typed in the workspace form', () => {
  const draft = { ...draftFromImport({ source: 'environment', sysroot: 'team-container/metaflow', endpoint: 'https://a.blob.core.windows.net/', problems: [] }), metadataServiceUrl: URL };

  it('are saved with the auth key when they are a JSON object of tokens to one-line values', () => {
    const save = checkDraft({ ...draft, serviceAuthKey: 'k-1234', serviceHeaders: '{"X-Team": "red"}' }).save;
    expect(save?.serviceSecrets).toEqual({ authKey: 'k-1234', headers: '{"X-Team": "red"}' });
  });

  it('are refused with a reason for each rule they break', () => {
    const errors = (headers: string) => checkDraft({ ...draft, serviceHeaders: headers }).errors.serviceHeaders ?? [];
    expect(errors('not json')).toEqual([expect.stringMatching(/not valid JSON/)]);
    expect(errors('["x"]')).toEqual([expect.stringMatching(/a JSON object of header names to values/)]);
    expect(errors('{"Bad Name": "x"}')).toEqual([expect.stringMatching(/"Bad Name": A header name is a token/)]);
    expect(errors(JSON.stringify({ 'X-Split': 'a\r\nX-Injected: b' }))).toEqual([expect.stringMatching(/"X-Split": A header value is one line/)]);
    expect(errors(JSON.stringify({ 'X-Big': 'v'.repeat(8193) }))).toEqual([expect.stringMatching(/at most 8192/)]);
    expect(checkDraft({ ...draft, serviceHeaders: 'not json' }).save).toBeUndefined();
    expect(parseServiceHeaders(JSON.stringify(Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`h${i}`, 'v']))))).toEqual({ ok: false, errors: ['At most 32 headers'] });
  });
});
