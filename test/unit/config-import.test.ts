import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createServices } from '../../electron/services.js';
import { importWorkspaces, type ImportedWorkspace } from '../../electron/workspace/config-import.js';
import { ImportedWorkspace as ImportedWorkspaceSchema } from '../../shared/contract.js';
import { checkSysroot } from '../../shared/sysroot.js';

// Importing workspaces from what a Metaflow user already has: environment variables and the config
// profiles in $METAFLOW_HOME (or ~/.metaflowconfig), written as real files in temporary folders.

const SYSROOT = 'METAFLOW_DATASTORE_SYSROOT_AZURE';
const ENDPOINT = 'METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT';
const CARD_ROOT = 'METAFLOW_CARD_AZUREROOT';

/** What `metaflow configure azure` writes, plus unrelated settings a real profile carries. */
const DEFAULT_PROFILE = {
  METAFLOW_DEFAULT_DATASTORE: 'azure',
  METAFLOW_DEFAULT_METADATA: 'local',
  [SYSROOT]: 'dev-container/metaflow',
  [ENDPOINT]: 'https://devacct.blob.core.windows.net/',
};
const PROD_PROFILE = {
  METAFLOW_DEFAULT_DATASTORE: 'azure',
  [SYSROOT]: 'prod-container/mf/ds',
  [ENDPOINT]: 'https://prodacct.blob.core.windows.net/',
  [CARD_ROOT]: 'prod-cards/mf',
  METAFLOW_SERVICE_URL: 'https://metaflow.example.com/api',
};

let scratch: string;

beforeEach(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'stratus-config-import-'));
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(scratch, { recursive: true, force: true });
});

/** A Metaflow config folder holding `files` (name → JSON value, or raw text when a string). */
async function configDir(files: Record<string, unknown>, name = 'metaflowconfig'): Promise<string> {
  const dir = path.join(scratch, name);
  await mkdir(dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) {
    await writeFile(path.join(dir, file), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

function bySource(found: ImportedWorkspace[], source: string): ImportedWorkspace {
  const match = found.filter((w) => w.source === source);
  expect(match, `candidates from ${source}`).toHaveLength(1);
  return match[0];
}

/** The messages checkSysroot gives for `value`: the rule texts the import must pass on. */
function ruleMessages(value: string): string[] {
  const check = checkSysroot(value);
  if (check.ok) throw new Error(`${value} breaks no sysroot rule`);
  return check.errors;
}

describe('importWorkspaces', () => {
  it('reads config.json and config_<profile>.json from METAFLOW_HOME', async () => {
    const home = await configDir({ 'config.json': DEFAULT_PROFILE, 'config_prod.json': PROD_PROFILE, 'README.txt': 'not a profile' });
    const found = await importWorkspaces({ METAFLOW_HOME: home });
    expect(found.map((w) => w.source)).toEqual(['default', 'prod']);
    expect(bySource(found, 'default')).toEqual({
      source: 'default',
      sysroot: DEFAULT_PROFILE[SYSROOT],
      endpoint: DEFAULT_PROFILE[ENDPOINT],
      cardRoot: `${DEFAULT_PROFILE[SYSROOT]}/mf.cards`,
      problems: [],
    });
    expect(bySource(found, 'prod')).toEqual({
      source: 'prod',
      sysroot: PROD_PROFILE[SYSROOT],
      endpoint: PROD_PROFILE[ENDPOINT],
      cardRoot: PROD_PROFILE[CARD_ROOT],
      problems: [],
    });
  });

  it('imports the metadata service URL only where Metaflow would use the service (METAFLOW_DEFAULT_METADATA=service)', async () => {
    const service = { ...PROD_PROFILE, METAFLOW_DEFAULT_METADATA: 'service', METAFLOW_SERVICE_URL: 'https://mf-service.example.com/api/' };
    const local = { ...DEFAULT_PROFILE, METAFLOW_SERVICE_URL: 'https://unused.example.com/' };
    const home = await configDir({ 'config_team.json': service, 'config.json': local });
    const found = await importWorkspaces({ METAFLOW_HOME: home });
    expect(bySource(found, 'team').metadataServiceUrl).toBe('https://mf-service.example.com/api/');
    expect(bySource(found, 'default').metadataServiceUrl).toBeUndefined();
    // The environment wins, as for every other Metaflow setting.
    const fromEnv = await importWorkspaces({ METAFLOW_HOME: home, METAFLOW_SERVICE_URL: 'http://127.0.0.1:8080/' });
    expect(bySource(fromEnv, 'team').metadataServiceUrl).toBe('http://127.0.0.1:8080/');
  });

  it('lists the METAFLOW_PROFILE profile first, then the others by file name', async () => {
    const home = await configDir({ 'config.json': DEFAULT_PROFILE, 'config_prod.json': PROD_PROFILE, 'config_dev.json': DEFAULT_PROFILE });
    expect((await importWorkspaces({ METAFLOW_HOME: home, METAFLOW_PROFILE: 'prod' })).map((w) => w.source)).toEqual(['prod', 'default', 'dev']);
    // Without METAFLOW_PROFILE, Metaflow reads config.json: that one is first.
    expect((await importWorkspaces({ METAFLOW_HOME: home })).map((w) => w.source)).toEqual(['default', 'dev', 'prod']);
  });

  it('lets an environment variable win over the profile value, as Metaflow from_conf does', async () => {
    const home = await configDir({ 'config_prod.json': PROD_PROFILE });
    const envSysroot = 'override-container/elsewhere';
    const found = await importWorkspaces({ METAFLOW_HOME: home, METAFLOW_PROFILE: 'prod', [SYSROOT]: envSysroot });
    expect(found.map((w) => w.source)).toEqual(['environment', 'prod']);
    const prod = bySource(found, 'prod');
    expect(prod.sysroot).toBe(envSysroot);
    // Values the environment does not set still come from the profile.
    expect(prod.endpoint).toBe(PROD_PROFILE[ENDPOINT]);
    expect(prod.cardRoot).toBe(PROD_PROFILE[CARD_ROOT]);
    // The card says which of its values the environment gave (issue 20): only the sysroot here.
    expect(prod.fromEnvironment).toEqual([SYSROOT]);
    expect(bySource(found, 'environment')).toEqual({ source: 'environment', sysroot: envSysroot, cardRoot: `${envSysroot}/mf.cards`, problems: [] });
  });

  it('defaults the card root to <sysroot>/mf.cards and takes METAFLOW_CARD_AZUREROOT when set', async () => {
    const home = await configDir({ 'config.json': DEFAULT_PROFILE, 'config_prod.json': PROD_PROFILE });
    const plain = await importWorkspaces({ METAFLOW_HOME: home });
    expect(bySource(plain, 'default').cardRoot).toBe(`${DEFAULT_PROFILE[SYSROOT]}/mf.cards`);
    expect(bySource(plain, 'prod').cardRoot).toBe(PROD_PROFILE[CARD_ROOT]);
    const envCards = 'env-cards/root';
    const withEnv = await importWorkspaces({ METAFLOW_HOME: home, [CARD_ROOT]: envCards, [SYSROOT]: 'env-container/ds' });
    for (const candidate of withEnv) expect(candidate.cardRoot, candidate.source).toBe(envCards);
  });

  it('imports the environment alone: sysroot, endpoint, card root, MLflow URI and which credential exists', async () => {
    const env = {
      METAFLOW_HOME: path.join(scratch, 'no-such-folder'),
      [SYSROOT]: 'metaflow-fixture/ds',
      [ENDPOINT]: 'http://127.0.0.1:10000/devstoreaccount1',
      [CARD_ROOT]: 'metaflow-fixture/cards',
      MLFLOW_TRACKING_URI: 'http://mlflow.example.com:5000',
      AZURE_STORAGE_CONNECTION_STRING: 'AccountName=devstoreaccount1;AccountKey=c2VjcmV0LWtleQ==',
    };
    const found = await importWorkspaces(env);
    expect(found).toEqual([
      {
        source: 'environment',
        sysroot: env[SYSROOT],
        endpoint: env[ENDPOINT],
        cardRoot: env[CARD_ROOT],
        mlflowTrackingUri: env.MLFLOW_TRACKING_URI,
        environmentCredential: 'connectionString',
        problems: [],
      },
    ]);
    // Which credential, never the credential itself.
    expect(JSON.stringify(found)).not.toContain('c2VjcmV0LWtleQ');
    const withKey = await importWorkspaces({ ...env, AZURE_STORAGE_CONNECTION_STRING: undefined, AZURE_STORAGE_ACCESS_KEY: 'c2VjcmV0LWtleQ==' });
    expect(withKey[0].environmentCredential).toBe('accountKey');
    expect(JSON.stringify(withKey)).not.toContain('c2VjcmV0LWtleQ');
  });

  it('gives MLFLOW_TRACKING_URI to every candidate (Metaflow profiles do not hold it)', async () => {
    const home = await configDir({ 'config.json': DEFAULT_PROFILE, 'config_prod.json': PROD_PROFILE });
    const uri = 'azureml://westeurope.api.azureml.ms/mlflow/v1.0/subscriptions/x';
    const found = await importWorkspaces({ METAFLOW_HOME: home, MLFLOW_TRACKING_URI: uri });
    expect(found.length).toBe(2);
    for (const candidate of found) expect(candidate.mlflowTrackingUri, candidate.source).toBe(uri);
  });

  it('offers tracking URIs and endpoints without their user info, which stays in main', async () => {
    const home = await configDir({ 'config.json': { ...DEFAULT_PROFILE, [ENDPOINT]: 'https://bob:key-pw-77@acct.blob.core.windows.net' } });
    const found = await importWorkspaces({ METAFLOW_HOME: home, MLFLOW_TRACKING_URI: 'https://alice:uri-pw-42@mlflow.example.com/' });
    expect(found.map((w) => [w.mlflowTrackingUri, w.endpoint])).toEqual([['https://mlflow.example.com/', 'https://acct.blob.core.windows.net']]);
    expect(JSON.stringify(found)).not.toMatch(/uri-pw-42|key-pw-77/);
  });

  it('reads ~/.metaflowconfig when METAFLOW_HOME is not set', async () => {
    const home = path.join(scratch, 'home');
    await mkdir(home);
    await configDir({ 'config.json': DEFAULT_PROFILE }, 'home/.metaflowconfig');
    vi.stubEnv('HOME', home);
    const found = await importWorkspaces({});
    expect(found.map((w) => [w.source, w.sysroot])).toEqual([['default', DEFAULT_PROFILE[SYSROOT]]]);
  });

  it('expands a leading ~ in METAFLOW_HOME, as Metaflow does', async () => {
    const home = path.join(scratch, 'home');
    await configDir({ 'config_prod.json': PROD_PROFILE }, 'home/mf-profiles');
    vi.stubEnv('HOME', home);
    const found = await importWorkspaces({ METAFLOW_HOME: '~/mf-profiles' });
    expect(found.map((w) => [w.source, w.sysroot])).toEqual([['prod', PROD_PROFILE[SYSROOT]]]);
  });

  it('imports only the environment when there is no config folder at all', async () => {
    vi.stubEnv('HOME', path.join(scratch, 'empty-home'));
    const env = { [SYSROOT]: 'metaflow-fixture/ds' };
    expect((await importWorkspaces(env)).map((w) => w.source)).toEqual(['environment']);
    expect(await importWorkspaces({ METAFLOW_HOME: path.join(scratch, 'missing') })).toEqual([]);
  });

  it('reports malformed JSON with the file name and still imports the other profiles', async () => {
    const home = await configDir({ 'config.json': '{"METAFLOW_DATASTORE_SYSROOT_AZURE": "a-container/x",', 'config_prod.json': PROD_PROFILE });
    const found = await importWorkspaces({ METAFLOW_HOME: home });
    const broken = bySource(found, 'default');
    expect(broken.sysroot).toBeUndefined();
    expect(broken.problems).toHaveLength(1);
    expect(broken.problems[0]).toContain(path.join(home, 'config.json'));
    expect(broken.problems[0]).toMatch(/not valid JSON/);
    expect(bySource(found, 'prod')).toMatchObject({ sysroot: PROD_PROFILE[SYSROOT], problems: [] });
  });

  it.each<[string, unknown]>([
    ['a JSON array', [DEFAULT_PROFILE]],
    ['a JSON string', '"METAFLOW_DATASTORE_SYSROOT_AZURE"'],
    ['JSON null', 'null'],
  ])('reports %s as not a JSON object of settings', async (_label, content) => {
    const home = await configDir({ 'config_team.json': content, 'config.json': DEFAULT_PROFILE });
    const found = await importWorkspaces({ METAFLOW_HOME: home });
    expect(bySource(found, 'team').problems).toEqual([`${path.join(home, 'config_team.json')} is not a JSON object of Metaflow settings.`]);
    expect(bySource(found, 'default').problems).toEqual([]);
  });

  it('reports a profile that cannot be read (a folder named like a profile)', async () => {
    const home = await configDir({ 'config.json': DEFAULT_PROFILE });
    await mkdir(path.join(home, 'config_folder.json'));
    const found = await importWorkspaces({ METAFLOW_HOME: home });
    expect(bySource(found, 'folder').problems[0]).toContain(`${path.join(home, 'config_folder.json')} could not be read`);
    expect(bySource(found, 'default').problems).toEqual([]);
  });

  it.each(['/leading-slash/ds', 'Upper_Case/ds', 'a-container/ds//x', 'a-container/ds/../x', 'a-container/ds/'])(
    'passes on the rule messages for the profile sysroot %j, naming the file',
    async (bad) => {
      const home = await configDir({ 'config.json': { ...DEFAULT_PROFILE, [SYSROOT]: bad }, 'config_prod.json': PROD_PROFILE });
      const found = await importWorkspaces({ METAFLOW_HOME: home });
      const file = path.join(home, 'config.json');
      expect(bySource(found, 'default').problems).toEqual(ruleMessages(bad).map((m) => `${SYSROOT} in ${file}: ${m}`));
      expect(bySource(found, 'prod').problems).toEqual([]);
    },
  );

  it('blames the environment, not the profile, when the bad sysroot comes from the environment', async () => {
    const home = await configDir({ 'config.json': DEFAULT_PROFILE });
    const bad = 'Bad_Container/ds';
    const found = await importWorkspaces({ METAFLOW_HOME: home, [SYSROOT]: bad });
    const expected = ruleMessages(bad).map((m) => `${SYSROOT} (from the environment): ${m}`);
    expect(bySource(found, 'environment').problems).toEqual(expected);
    expect(bySource(found, 'default').problems).toEqual(expected);
  });

  it('checks the card root and the endpoint too', async () => {
    const home = await configDir({ 'config.json': { ...DEFAULT_PROFILE, [CARD_ROOT]: 'cards//x', [ENDPOINT]: 'devacct.blob.core.windows.net' } });
    const file = path.join(home, 'config.json');
    const problems = bySource(await importWorkspaces({ METAFLOW_HOME: home }), 'default').problems;
    expect(problems).toHaveLength(2);
    expect(problems).toContain(`${CARD_ROOT} in ${file}: ${ruleMessages('cards//x')[0]}`);
    expect(problems.find((p) => p.startsWith(`${ENDPOINT} in ${file}: `))).toMatch(/must be an http\(s\) URL/);
  });

  it('reports a METAFLOW_PROFILE whose file does not exist, as Metaflow refuses to start then', async () => {
    const home = await configDir({ 'config.json': DEFAULT_PROFILE });
    const found = await importWorkspaces({ METAFLOW_HOME: home, METAFLOW_PROFILE: 'staging' });
    expect(found.map((w) => w.source)).toEqual(['staging', 'default']);
    expect(bySource(found, 'staging').problems).toEqual([`METAFLOW_PROFILE is "staging" but ${path.join(home, 'config_staging.json')} does not exist.`]);
  });

  it('answers workspace.import through the router with contract-valid candidates for good and broken profiles', async () => {
    const home = await configDir({ 'config.json': '{oops', 'config_prod.json': PROD_PROFILE, 'config_list.json': '[]' });
    const services = createServices({ env: { METAFLOW_HOME: home, METAFLOW_PROFILE: 'prod' }, userDataDir: path.join(scratch, 'user-data') });
    const reply = await services.router.dispatch('workspace.import', {});
    if (!reply.ok) throw new Error(`workspace.import failed: ${reply.error.code} ${reply.error.message}`);
    const { candidates } = reply.value as { candidates: unknown[] };
    expect(candidates.map((c) => ImportedWorkspaceSchema.parse(c).source)).toEqual(['prod', 'default', 'list']);
  });
});
