import { randomBytes, randomUUID } from 'node:crypto';
import {
  AccountSASPermissions,
  AccountSASResourceTypes,
  AccountSASServices,
  BlobServiceClient,
  ContainerSASPermissions,
  generateAccountSASQueryParameters,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createServices, type Services } from '../../electron/services.js';
import { MetaflowListing, WorkspaceInfo, type CredentialInput } from '../../shared/contract.js';
import type { StratusErrorShape } from '../../shared/errors.js';
import { AZURITE_ACCOUNT_KEY, AZURITE_ACCOUNT_NAME, azuriteConnectionString, freePort } from '../harness/azurite.js';
import { readFixtureBlobs, readManifest, type Manifest } from '../harness/metaflow-fixture.js';

// The Metaflow browser against Azurite holding what Metaflow really wrote, through the same router
// the UI calls. Expectations come from the fixture's manifest and blob contents.

const endpoint = inject('endpoint');
const connectionString = inject('connectionString');
const sysroot = inject('sysroot');
const container = inject('container');
const prefix = sysroot.slice(container.length + 1);
/** Blob names under the sysroot start with this ('' when the sysroot is a bare container). */
const blobPrefix = prefix === '' ? '' : `${prefix}/`;

type ListPath = { flow?: string; run?: string; step?: string; task?: string };
type Reply = { ok: true; value: unknown } | { ok: false; error: StratusErrorShape };

/** Flow → run → step → task → file names in the task folder, from the manifest. */
type Tree = Map<string, Map<string, Map<string, Map<string, string[]>>>>;

function child<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

function expectedTree(manifest: Manifest): Tree {
  const tree: Tree = new Map();
  for (const { name } of manifest.blobs) {
    if (!name.startsWith(blobPrefix)) continue;
    const parts = name.slice(blobPrefix.length).split('/');
    // <Flow>/<run>/<step>/<task>/<file>; <Flow>/data/ is the content-addressed store, not a run.
    if (parts.length !== 5 || parts[1] === 'data') continue;
    const [flow, run, step, task, file] = parts;
    const tasks = child(child(child(tree, flow, () => new Map()), run, () => new Map()), step, () => new Map());
    child(tasks, task, () => []).push(file);
  }
  return tree;
}

function sorted(names: Iterable<string>): string[] {
  return [...names].sort();
}

/** The data.json of the task's highest attempt: the one Metaflow's client treats as current. */
function latestDataJson(files: string[]): { attempt: number; file: string } {
  const attempts = files.flatMap((f) => /^(\d+)\.data\.json$/.exec(f)?.[1] ?? []).map(Number);
  const attempt = Math.max(...attempts);
  return { attempt, file: `${attempt}.data.json` };
}

function open(services: Services, credential: CredentialInput, options: { sysroot?: string; endpoint?: string } = {}): Promise<Reply> {
  return services.router.dispatch('workspace.open', {
    sysroot: options.sysroot ?? sysroot,
    endpoint: options.endpoint ?? endpoint,
    credential,
  });
}

async function openOk(services: Services, credential: CredentialInput, options: { sysroot?: string } = {}): Promise<WorkspaceInfo> {
  const reply = await open(services, credential, options);
  if (!reply.ok) throw new Error(`workspace.open failed: ${reply.error.code} ${reply.error.message}`);
  return WorkspaceInfo.parse(reply.value);
}

function expectError(reply: Reply, code: StratusErrorShape['code']): StratusErrorShape {
  if (reply.ok) throw new Error(`expected ${code}, got a result: ${JSON.stringify(reply.value).slice(0, 300)}`);
  expect(reply.error.code, reply.error.message).toBe(code);
  expect(reply.error.message.length).toBeGreaterThan(0);
  return reply.error;
}

describe('Metaflow datastore over Azurite (shared fixture)', () => {
  let services: Services;
  let workspaceId: string;
  let manifest: Manifest;
  let tree: Tree;
  let fixtureBlobs: Map<string, Buffer>;

  async function list(path: ListPath, id = workspaceId): Promise<MetaflowListing> {
    const reply = await services.router.dispatch('metaflow.list', { workspaceId: id, ...path });
    if (!reply.ok) throw new Error(`metaflow.list ${JSON.stringify(path)} failed: ${reply.error.code} ${reply.error.message}`);
    return MetaflowListing.parse(reply.value);
  }

  function dataJsonObjects(flow: string, run: string, step: string, task: string, file: string): Record<string, string> {
    const body = fixtureBlobs.get(`${blobPrefix}${flow}/${run}/${step}/${task}/${file}`);
    if (body === undefined) throw new Error(`fixture has no ${flow}/${run}/${step}/${task}/${file}`);
    return (JSON.parse(body.toString('utf8')) as { objects: Record<string, string> }).objects;
  }

  function tasksOf(flow: string): { run: string; step: string; task: string; files: string[] }[] {
    const out: { run: string; step: string; task: string; files: string[] }[] = [];
    for (const [run, steps] of tree.get(flow) ?? new Map<string, Map<string, Map<string, string[]>>>()) {
      for (const [step, tasks] of steps) for (const [task, files] of tasks) out.push({ run, step, task, files });
    }
    return out;
  }

  beforeAll(async () => {
    [manifest, fixtureBlobs] = await Promise.all([readManifest(), readFixtureBlobs()]);
    tree = expectedTree(manifest);
    services = createServices({ env: { AZURE_STORAGE_CONNECTION_STRING: connectionString } });
    const info = await openOk(services, { kind: 'environment' });
    workspaceId = info.id;
  });

  it('opens the workspace from the environment connection string', async () => {
    const info = await openOk(services, { kind: 'environment' });
    expect(info).toEqual({
      id: info.id,
      kind: 'azure',
      sysroot,
      endpoint,
      // Metaflow's default card root when METAFLOW_CARD_AZUREROOT is not set.
      cardRoot: `${sysroot}/mf.cards`,
      authMethod: 'AZURE_STORAGE_CONNECTION_STRING',
      principal: `account ${AZURITE_ACCOUNT_NAME}`,
      sysrootCheck: { verdict: 'flows', message: null, suggestions: [] },
    });
  });

  it('lists every flow in the fixture', async () => {
    expect(tree.size).toBeGreaterThan(0);
    const listing = await list({});
    expect(listing.level).toBe('flows');
    expect(sorted(listing.entries.map((e) => e.name))).toEqual(sorted(tree.keys()));
  });

  it('lists every run of every flow, newest first, and never the CAS folder', async () => {
    for (const [flow, runs] of tree) {
      const listing = await list({ flow });
      expect(listing.level).toBe('runs');
      const names = listing.entries.map((e) => e.name);
      // Local-runtime run ids are microsecond timestamps: a larger id is a newer run.
      const newestFirst = [...runs.keys()].sort((a, b) => (BigInt(b) > BigInt(a) ? 1 : BigInt(b) < BigInt(a) ? -1 : 0));
      expect(names, flow).toEqual(newestFirst);
    }
  });

  it('lists every step of every run, with _parameters marked as the pseudo step', async () => {
    for (const [flow, runs] of tree) {
      for (const [run, steps] of runs) {
        const listing = await list({ flow, run });
        if (listing.level !== 'steps') throw new Error(`expected steps, got ${listing.level}`);
        expect(sorted(listing.entries.map((e) => e.name)), `${flow}/${run}`).toEqual(sorted(steps.keys()));
        for (const entry of listing.entries) expect(entry.pseudo, entry.name).toBe(entry.name === '_parameters');
      }
    }
  });

  it('lists every task of every step, in numeric order', async () => {
    for (const [flow, runs] of tree) {
      for (const [run, steps] of runs) {
        for (const [step, tasks] of steps) {
          const listing = await list({ flow, run, step });
          expect(listing.level).toBe('tasks');
          const expected = [...tasks.keys()].sort((a, b) => Number(a) - Number(b));
          expect(listing.entries.map((e) => e.name), `${flow}/${run}/${step}`).toEqual(expected);
        }
      }
    }
  });

  it("lists every task's artifacts from its latest attempt's data.json", async () => {
    let checked = 0;
    for (const flow of tree.keys()) {
      for (const { run, step, task, files } of tasksOf(flow)) {
        const latest = latestDataJson(files);
        const objects = dataJsonObjects(flow, run, step, task, latest.file);
        const listing = await list({ flow, run, step, task });
        if (listing.level !== 'artifacts') throw new Error(`expected artifacts, got ${listing.level}`);
        expect(listing.attempt, `${flow}/${run}/${step}/${task}`).toBe(latest.attempt);
        expect(Object.fromEntries(listing.entries.map((e) => [e.name, e.sha]))).toEqual(objects);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('shows the ArtifactTypesFlow start task with exactly the artifacts in its 0.data.json, and their recorded types and sizes', async () => {
    const starts = tasksOf('ArtifactTypesFlow').filter((t) => t.step === 'start');
    expect(starts.length).toBeGreaterThan(0);
    for (const { run, task } of starts) {
      const body = fixtureBlobs.get(`${blobPrefix}ArtifactTypesFlow/${run}/start/${task}/0.data.json`);
      if (body === undefined) throw new Error('no start data.json in the fixture');
      const raw = JSON.parse(body.toString('utf8')) as {
        objects: Record<string, string>;
        info: Record<string, { size: number; type: string; encoding: string }>;
      };
      const listing = await list({ flow: 'ArtifactTypesFlow', run, step: 'start', task });
      if (listing.level !== 'artifacts') throw new Error(`expected artifacts, got ${listing.level}`);
      expect(listing.attempt).toBe(0);
      expect(sorted(listing.entries.map((e) => e.name))).toEqual(sorted(Object.keys(raw.objects)));
      for (const entry of listing.entries) {
        expect(entry, entry.name).toEqual({
          name: entry.name,
          sha: raw.objects[entry.name],
          size: raw.info[entry.name].size,
          type: raw.info[entry.name].type,
          encoding: raw.info[entry.name].encoding,
        });
      }
    }
  });

  it("shows RetryFlow's retried flaky task with the artifacts of attempt 1, not the failed attempt 0", async () => {
    const flaky = tasksOf('RetryFlow').filter((t) => t.step === 'flaky');
    expect(flaky.length).toBeGreaterThan(0);
    for (const { run, task, files } of flaky) {
      expect(files, `${run}/flaky/${task}`).toContain('0.data.json');
      expect(files).toContain('1.data.json');
      const attempt0 = dataJsonObjects('RetryFlow', run, 'flaky', task, '0.data.json');
      const attempt1 = dataJsonObjects('RetryFlow', run, 'flaky', task, '1.data.json');
      // Only meaningful if the two attempts recorded different artifacts.
      expect(attempt1).not.toEqual(attempt0);
      const listing = await list({ flow: 'RetryFlow', run, step: 'flaky', task });
      if (listing.level !== 'artifacts') throw new Error(`expected artifacts, got ${listing.level}`);
      expect(listing.attempt).toBe(1);
      expect(Object.fromEntries(listing.entries.map((e) => [e.name, e.sha]))).toEqual(attempt1);
    }
  });

  it('reports NOT_FOUND for a flow, run or task that does not exist', async () => {
    const [flow, runs] = [...tree][0];
    const run = [...runs.keys()][0];
    for (const path of [{ flow: 'NoSuchFlow' }, { flow, run: '1' }, { flow, run, step: 'start', task: '999999' }]) {
      expectError(await services.router.dispatch('metaflow.list', { workspaceId, ...path }), 'NOT_FOUND');
    }
  });

  it('reports NO_WORKSPACE for a workspace id that was never opened', async () => {
    expectError(await services.router.dispatch('metaflow.list', { workspaceId: randomUUID() }), 'NO_WORKSPACE');
  });
});

describe('connecting with each kind of credential', () => {
  const bare = () => createServices({ env: {} });

  it('connects with an explicit connection string', async () => {
    const services = bare();
    const info = await openOk(services, { kind: 'connectionString', connectionString });
    const reply = await services.router.dispatch('metaflow.list', { workspaceId: info.id });
    expect(reply.ok).toBe(true);
    // The secret stays in main: nothing the renderer receives contains it.
    expect(JSON.stringify(info)).not.toContain(AZURITE_ACCOUNT_KEY);
  });

  it('connects with an explicit account key, taking the account from the endpoint', async () => {
    const services = bare();
    const info = await openOk(services, { kind: 'accountKey', accountKey: AZURITE_ACCOUNT_KEY });
    const reply = await services.router.dispatch('metaflow.list', { workspaceId: info.id });
    expect(reply.ok).toBe(true);
    expect(JSON.stringify(info)).not.toContain(AZURITE_ACCOUNT_KEY);
  });

  it('reports CONTAINER_NOT_FOUND for a container that does not exist', async () => {
    const reply = await open(bare(), { kind: 'connectionString', connectionString }, { sysroot: `no-such-${randomUUID().slice(0, 8)}/ds` });
    expectError(reply, 'CONTAINER_NOT_FOUND');
  });

  it('reports UNREACHABLE quickly for an endpoint where nothing listens', async () => {
    const closed = `http://127.0.0.1:${await freePort()}/devstoreaccount1`;
    const started = Date.now();
    const reply = await open(bare(), { kind: 'accountKey', accountKey: AZURITE_ACCOUNT_KEY }, { endpoint: closed });
    expectError(reply, 'UNREACHABLE');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  const wrongKey = randomBytes(64).toString('base64');
  const wrongConnectionString = azuriteConnectionString(endpoint).replace(AZURITE_ACCOUNT_KEY, wrongKey);
  it.each<[string, () => Services, CredentialInput]>([
    ['an explicit account key', bare, { kind: 'accountKey', accountKey: wrongKey }],
    ['an explicit connection string', bare, { kind: 'connectionString', connectionString: wrongConnectionString }],
    ['the environment connection string', () => createServices({ env: { AZURE_STORAGE_CONNECTION_STRING: wrongConnectionString } }), { kind: 'environment' }],
  ])('reports AUTH_FAILED for a wrong account key in %s', async (_label, make, credential) => {
    expectError(await open(make(), credential), 'AUTH_FAILED');
  });
});

describe('connecting with a SAS', () => {
  const key = new StorageSharedKeyCredential(AZURITE_ACCOUNT_NAME, AZURITE_ACCOUNT_KEY);
  const inAnHour = () => new Date(Date.now() + 3_600_000);
  let tree: Tree;
  /** One real task of the fixture, to prove the SAS also reads blobs (its data.json), not only lists. */
  let task: Required<ListPath>;

  function accountSas(permissions: string, expiresOn = inAnHour()): string {
    return generateAccountSASQueryParameters(
      {
        services: AccountSASServices.parse('b').toString(),
        resourceTypes: AccountSASResourceTypes.parse('sco').toString(),
        permissions: AccountSASPermissions.parse(permissions),
        expiresOn,
      },
      key,
    ).toString();
  }

  function containerSas(permissions: string, containerName = container, expiresOn = inAnHour()): string {
    return generateBlobSASQueryParameters({ containerName, permissions: ContainerSASPermissions.parse(permissions), expiresOn }, key).toString();
  }

  function signatureOf(token: string): string {
    const sig = new URLSearchParams(token).get('sig');
    if (!sig) throw new Error(`no sig in ${token}`);
    return sig;
  }

  /** Neither the signature nor its URL-encoded form is anywhere in what the renderer receives. */
  function expectNoSignature(value: unknown, token: string): void {
    const text = JSON.stringify(value);
    expect(text).not.toContain(signatureOf(token));
    expect(text).not.toContain(encodeURIComponent(signatureOf(token)));
  }

  async function listAs(services: Services, workspaceId: string, path: ListPath): Promise<Reply> {
    return services.router.dispatch('metaflow.list', { workspaceId, ...path });
  }

  beforeAll(async () => {
    tree = expectedTree(await readManifest());
    const [flow, runs] = [...tree][0];
    const [run, steps] = [...runs][0];
    const [step, tasks] = [...steps][0];
    task = { flow, run, step, task: [...tasks.keys()][0] };
  });

  it.each<[string, () => { token: string; sas: string }]>([
    ['an account SAS token', () => ({ token: accountSas('rl'), sas: '' })],
    ['a container SAS token', () => ({ token: containerSas('rl'), sas: '' })],
    ['a "?"-prefixed container SAS token', () => ({ token: containerSas('rl'), sas: '?' })],
    ['an account SAS URL', () => ({ token: accountSas('rl'), sas: `${endpoint}?` })],
    ['a container SAS URL', () => ({ token: containerSas('rl'), sas: `${endpoint}/${container}?` })],
  ])('connects with %s, lists and reads, and shows its permissions and expiry but never its signature', async (_label, make) => {
    const made = make();
    const services = createServices({ env: {} });
    const info = await openOk(services, { kind: 'sas', sas: `${made.sas}${made.token}` });
    const expiry = new URLSearchParams(made.token).get('se');
    expect(info).toMatchObject({ kind: 'azure', sysroot, endpoint, authMethod: 'SAS', principal: `SAS, permissions rl, expires ${expiry}` });
    expectNoSignature(info, made.token);

    const flows = await listAs(services, info.id, {});
    if (!flows.ok) throw new Error(flows.error.message);
    expect(sorted(MetaflowListing.parse(flows.value).entries.map((e) => e.name))).toEqual(sorted(tree.keys()));
    const artifacts = await listAs(services, info.id, task);
    if (!artifacts.ok) throw new Error(artifacts.error.message);
    expect(MetaflowListing.parse(artifacts.value).level).toBe('artifacts');
  });

  it('connects with a SAS inside a connection string', async () => {
    const token = containerSas('rl');
    const info = await openOk(createServices({ env: {} }), {
      kind: 'connectionString',
      connectionString: `BlobEndpoint=${endpoint};SharedAccessSignature=${token}`,
    });
    expect(info).toMatchObject({ authMethod: 'connection string (SAS)', principal: expect.stringMatching(/^SAS, permissions rl, expires /) });
    expectNoSignature(info, token);
  });

  it.each<[string, () => string]>([
    ['a read-only container SAS', () => containerSas('r')],
    ['a read-only account SAS', () => accountSas('r')],
  ])('refuses %s (no list permission) with a clear FORBIDDEN', async (_label, make) => {
    const token = make();
    const error = expectError(await open(createServices({ env: {} }), { kind: 'sas', sas: token }), 'FORBIDDEN');
    expect(error.message).toMatch(/The SAS does not allow this on container "[^"]+" at /);
    expect(error.hint).toMatch(/read and list permissions/);
    expectNoSignature(error, token);
  });

  it('lists with a list-only SAS but reports FORBIDDEN when it must read a blob', async () => {
    const services = createServices({ env: {} });
    const info = await openOk(services, { kind: 'sas', sas: containerSas('l') });
    expect(info.principal).toMatch(/^SAS, permissions l, /);
    expect((await listAs(services, info.id, {})).ok).toBe(true);
    const error = expectError(await listAs(services, info.id, task), 'FORBIDDEN');
    expect(error.message).toMatch(/The SAS does not allow this/);
  });

  it('refuses an expired SAS with a hint about expiry', async () => {
    const token = containerSas('rl', container, new Date(Date.now() - 3_600_000));
    const reply = await open(createServices({ env: {} }), { kind: 'sas', sas: token });
    if (reply.ok) throw new Error('an expired SAS was accepted');
    // The expiry is read from the SAS itself, before any request, so the message names it.
    expect(reply.error.code).toBe('AUTH_FAILED');
    expect(reply.error.message).toMatch(/The SAS expired at \d{4}-\d\d-\d\dT/);
    expect(reply.error.hint).toMatch(/new SAS/);
    expectNoSignature(reply, token);
  });

  it('refuses a SAS signed for another container', async () => {
    const token = containerSas('rl', `other-${randomUUID().slice(0, 8)}`);
    const reply = await open(createServices({ env: {} }), { kind: 'sas', sas: token });
    expect(reply.ok).toBe(false);
    if (!reply.ok) expect(['AUTH_FAILED', 'FORBIDDEN']).toContain(reply.error.code);
    expectNoSignature(reply, token);
  });

  it('refuses a SAS without a signature with INVALID_ARGUMENT, before any request', async () => {
    const unsigned = new URLSearchParams(containerSas('rl'));
    unsigned.delete('sig');
    const error = expectError(await open(createServices({ env: {} }), { kind: 'sas', sas: unsigned.toString() }), 'INVALID_ARGUMENT');
    expect(error.message).toMatch(/no signature/);
  });
});

describe('a task whose data.json is corrupt', () => {
  // A container of its own, so the shared fixture stays exactly what Metaflow wrote.
  const corruptContainer = `corrupt-${randomUUID().slice(0, 8)}`;
  const client = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(corruptContainer);
  const broken: Record<string, string> = {
    'ds/BrokenFlow/1/start/1/0.data.json': '{"objects": {"x": "ab',
    'ds/BrokenFlow/1/shape/2/0.data.json': JSON.stringify({ objects: ['x'] }),
    // A good attempt 0 does not hide a corrupt attempt 1: the latest attempt is the one shown.
    'ds/BrokenFlow/1/retried/3/0.data.json': JSON.stringify({ objects: { x: 'ab' } }),
    'ds/BrokenFlow/1/retried/3/1.data.json': 'null',
  };
  let services: Services;
  let workspaceId: string;

  beforeAll(async () => {
    await client.create();
    for (const [name, text] of Object.entries(broken)) await client.getBlockBlobClient(name).upload(text, Buffer.byteLength(text));
    services = createServices({ env: { AZURE_STORAGE_CONNECTION_STRING: connectionString } });
    workspaceId = (await openOk(services, { kind: 'environment' }, { sysroot: `${corruptContainer}/ds` })).id;
  });

  afterAll(async () => {
    await client.deleteIfExists();
  });

  it.each([
    ['malformed JSON', { step: 'start', task: '1' }],
    ['the wrong shape', { step: 'shape', task: '2' }],
    ['a corrupt latest attempt', { step: 'retried', task: '3' }],
  ])('reports CORRUPT_DATA for %s', async (_label, path) => {
    const reply = await services.router.dispatch('metaflow.list', { workspaceId, flow: 'BrokenFlow', run: '1', ...path });
    const error = expectError(reply, 'CORRUPT_DATA');
    // The message names the broken blob so the user can find it.
    expect(error.message).toContain(`${path.step}/${path.task}/`);
  });

  it('still lists the steps and tasks around the corrupt ones', async () => {
    const reply = await services.router.dispatch('metaflow.list', { workspaceId, flow: 'BrokenFlow', run: '1' });
    if (!reply.ok) throw new Error(reply.error.message);
    const listing = MetaflowListing.parse(reply.value);
    expect(sorted(listing.entries.map((e) => e.name))).toEqual(['retried', 'shape', 'start']);
  });
});
