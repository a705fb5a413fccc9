import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { ANY_LOCAL_PATH } from '../../electron/local-access/local-grants.js';
import { createServices, type Services } from '../../electron/services.js';
import { EncryptedFileVault, MemoryVault, type SecretVault, type StringCipher } from '../../electron/workspace/secret-vault.js';
import { contract, type ArgsOf, type Channel, type ResultOf, type WorkspaceConfig } from '../../shared/contract.js';
import type { StratusErrorShape } from '../../shared/errors.js';
import { AZURITE_ACCOUNT_KEY, AZURITE_ACCOUNT_NAME, azuriteConnectionString, azuriteContainerSas } from '../harness/azurite.js';
import { readManifest } from '../harness/metaflow-fixture.js';

// Saved workspaces through the router the UI calls: stored in the user-data folder, secrets kept by
// a vault in main, connected against Azurite holding the shared Metaflow fixture. A secret must never
// come back in a reply or an event, nor reach workspaces.json.

const endpoint = inject('endpoint');
const connectionString = inject('connectionString');
const sysroot = inject('sysroot');
const container = inject('container');

/** AES-256-GCM with a key held in memory: stands in for Electron's safeStorage (the OS keychain). */
function testCipher(key = randomBytes(32)): StringCipher {
  return {
    encrypt(text) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decrypt(data) {
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(12, 28));
      return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}


type Reply = { ok: true; value: unknown } | { ok: false; error: StratusErrorShape };

/** Services over one user-data folder, with every reply and event kept to search for secrets. */
class Session {
  readonly services: Services;
  readonly seen: unknown[] = [];

  constructor(
    readonly userDataDir: string,
    readonly vault: SecretVault,
    env: Record<string, string> = {},
  ) {
    // Secrets are under test here; which local folders the renderer may name is local-access.test.ts's.
    this.services = createServices({ env, userDataDir, vault, localAccess: ANY_LOCAL_PATH });
    this.services.events.subscribe((event, payload) => this.seen.push({ event, payload }));
  }

  async call(channel: Channel, args: unknown): Promise<Reply> {
    const reply = await this.services.router.dispatch(channel, args);
    this.seen.push(reply);
    return reply;
  }

  async ok<C extends Channel>(channel: C, args: ArgsOf<C>): Promise<ResultOf<C>> {
    const reply = await this.call(channel, args);
    if (!reply.ok) throw new Error(`${channel} failed: ${reply.error.code} ${reply.error.message}`);
    return contract[channel].result.parse(reply.value) as ResultOf<C>;
  }

  async fails(channel: Channel, args: unknown, code: StratusErrorShape['code']): Promise<StratusErrorShape> {
    const reply = await this.call(channel, args);
    if (reply.ok) throw new Error(`expected ${code} from ${channel}, got ${JSON.stringify(reply.value).slice(0, 300)}`);
    expect(reply.error.code, reply.error.message).toBe(code);
    expect(reply.error.message.length).toBeGreaterThan(0);
    return reply.error;
  }

  save(config: WorkspaceConfig, secret?: string, id?: string) {
    return this.ok('workspace.save', { config, ...(secret === undefined ? {} : { secret }), ...(id === undefined ? {} : { id }) });
  }

  async flows(workspaceId: string): Promise<string[]> {
    const listing = await this.ok('metaflow.list', { workspaceId });
    return listing.entries.map((e) => e.name).sort();
  }

  /** Neither a reply, an event, nor any file in the user-data folder except the vault's holds `secret`. */
  async expectNowhere(secret: string): Promise<void> {
    expect(JSON.stringify(this.seen)).not.toContain(secret);
    for (const file of await readdir(this.userDataDir)) {
      const text = await readFile(path.join(this.userDataDir, file), 'utf8').catch(() => '');
      expect(text, file).not.toContain(secret);
    }
  }
}

function azure(name: string, auth: Extract<WorkspaceConfig, { kind: 'azure' }>['auth'], extra: Partial<WorkspaceConfig> = {}): WorkspaceConfig {
  return { kind: 'azure', name, sysroot, endpoint, auth, ...extra } as WorkspaceConfig;
}

let scratch: string;
let expectedFlows: string[];

beforeAll(async () => {
  // Flows are the first segment of run-tree blob names under the sysroot: <Flow>/<run>/<step>/<task>/<file>.
  const manifest = await readManifest();
  const prefix = `${sysroot.slice(container.length + 1)}/`;
  const flows = new Set<string>();
  for (const { name } of manifest.blobs) {
    const parts = name.startsWith(prefix) ? name.slice(prefix.length).split('/') : [];
    if (parts.length === 5 && parts[1] !== 'data') flows.add(parts[0]);
  }
  expectedFlows = [...flows].sort();
  expect(expectedFlows.length).toBeGreaterThan(0);
});

beforeEach(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'stratus-saved-'));
});

afterEach(async () => {
  await rm(scratch, { recursive: true, force: true });
});

function userData(name = 'user-data'): string {
  return path.join(scratch, name);
}

describe('saved workspaces', () => {
  it('saves Azure (connection string), Azure (environment) and local workspaces, lists and connects them, and never shows a secret', async () => {
    const session = new Session(userData(), new MemoryVault(), { AZURE_STORAGE_CONNECTION_STRING: connectionString });
    const localFolder = path.join(scratch, 'local-run');
    await mkdir(path.join(localFolder, '.metaflow'), { recursive: true });

    const withSecret = await session.save(azure('Fixture (connection string)', 'connectionString', { cardRoot: `${container}/cards` }), connectionString);
    const fromEnv = await session.save(azure('Fixture (environment)', 'environment', { mlflowTrackingUri: 'http://127.0.0.1:5000' }));
    const local = await session.save({ kind: 'local', name: 'Laptop runs', path: localFolder });
    expect([withSecret.hasSecret, fromEnv.hasSecret, local.hasSecret]).toEqual([true, false, false]);

    const listed = await session.ok('workspace.list', {});
    expect(listed.secretsPersisted).toBe(false);
    expect(listed.workspaces.map((w) => [w.id, w.config.name, w.hasSecret])).toEqual([
      [withSecret.id, 'Fixture (connection string)', true],
      [fromEnv.id, 'Fixture (environment)', false],
      [local.id, 'Laptop runs', false],
    ]);
    expect(listed.workspaces[1].config).toEqual(azure('Fixture (environment)', 'environment', { mlflowTrackingUri: 'http://127.0.0.1:5000' }));

    const viaSecret = await session.ok('workspace.connect', { id: withSecret.id });
    expect(viaSecret).toMatchObject({
      kind: 'azure',
      savedId: withSecret.id,
      name: 'Fixture (connection string)',
      sysroot,
      endpoint,
      cardRoot: `${container}/cards`,
      authMethod: 'connection string',
      principal: `account ${AZURITE_ACCOUNT_NAME}`,
    });
    expect(await session.flows(viaSecret.id)).toEqual(expectedFlows);

    const viaEnv = await session.ok('workspace.connect', { id: fromEnv.id });
    expect(viaEnv).toMatchObject({ kind: 'azure', savedId: fromEnv.id, authMethod: 'AZURE_STORAGE_CONNECTION_STRING', cardRoot: `${sysroot}/mf.cards` });
    expect(await session.flows(viaEnv.id)).toEqual(expectedFlows);

    const viaFolder = await session.ok('workspace.connect', { id: local.id });
    expect(viaFolder).toMatchObject({ kind: 'local', savedId: local.id, name: 'Laptop runs', sysroot: path.join(localFolder, '.metaflow') });
    expect(await session.flows(viaFolder.id)).toEqual([]);

    const stored = await readFile(path.join(session.userDataDir, 'workspaces.json'), 'utf8');
    expect(stored).toContain('Fixture (connection string)');
    await session.expectNowhere(connectionString);
    await session.expectNowhere(AZURITE_ACCOUNT_KEY);
  });

  it('saves and connects a SAS workspace, showing the SAS scope but never the signature', async () => {
    const session = new Session(userData(), new MemoryVault());
    const sas = azuriteContainerSas(container);
    const signature = new URLSearchParams(sas).get('sig') ?? '';
    expect(signature.length).toBeGreaterThan(10);
    const saved = await session.save(azure('Fixture (SAS)', 'sas'), `${endpoint}/${container}?${sas}`);
    const info = await session.ok('workspace.connect', { id: saved.id });
    expect(info.authMethod).toBe('SAS');
    expect(info.principal).toMatch(/permissions rl, expires \d{4}-/);
    expect(await session.flows(info.id)).toEqual(expectedFlows);
    await session.expectNowhere(signature);
    await session.expectNowhere(encodeURIComponent(signature));
  });

  it('renames and updates a workspace, keeping its secret when none is given, and replaces it when one is', async () => {
    const session = new Session(userData(), new MemoryVault());
    const saved = await session.save(azure('Before', 'connectionString'), connectionString);
    const renamed = await session.save(azure('After', 'connectionString', { cardRoot: `${container}/cards` }), undefined, saved.id);
    expect(renamed).toEqual({ id: saved.id, config: azure('After', 'connectionString', { cardRoot: `${container}/cards` }), hasSecret: true });
    expect((await session.ok('workspace.list', {})).workspaces.map((w) => w.config.name)).toEqual(['After']);
    const info = await session.ok('workspace.connect', { id: saved.id });
    expect(info).toMatchObject({ name: 'After', cardRoot: `${container}/cards` });
    expect(await session.flows(info.id)).toEqual(expectedFlows);

    // A new secret replaces the stored one: a wrong key now fails, the right one works again.
    const wrong = azuriteConnectionString(endpoint).replace(AZURITE_ACCOUNT_KEY, randomBytes(64).toString('base64'));
    await session.save(azure('After', 'connectionString'), wrong, saved.id);
    await session.fails('workspace.connect', { id: saved.id }, 'AUTH_FAILED');
    await session.save(azure('After', 'connectionString'), connectionString, saved.id);
    expect(await session.flows((await session.ok('workspace.connect', { id: saved.id })).id)).toEqual(expectedFlows);
    await session.expectNowhere(AZURITE_ACCOUNT_KEY);
  });

  it('asks for the secret again when the sign-in method or the endpoint changes', async () => {
    const session = new Session(userData(), new MemoryVault());
    const saved = await session.save(azure('Keyed', 'connectionString'), connectionString);
    // The stored connection string must not be reused as an account key or SAS...
    const kind = await session.fails('workspace.save', { id: saved.id, config: azure('Keyed', 'accountKey') }, 'INVALID_ARGUMENT');
    expect(kind.message).toMatch(/secret/i);
    // ...nor be sent to another endpoint, which a compromised renderer could point at its own server.
    const elsewhere = azure('Keyed', 'connectionString', { endpoint: 'https://attacker.example.com/devstoreaccount1' });
    const moved = await session.fails('workspace.save', { id: saved.id, config: elsewhere }, 'INVALID_ARGUMENT');
    expect(moved.message).toMatch(/secret/i);
    // Nothing changed: the workspace still connects with its original settings.
    expect((await session.ok('workspace.list', {})).workspaces.map((w) => w.config)).toEqual([azure('Keyed', 'connectionString')]);
    expect(await session.flows((await session.ok('workspace.connect', { id: saved.id })).id)).toEqual(expectedFlows);
    // With the secret given again, the change is accepted.
    const rekeyed = await session.save(azure('Keyed', 'accountKey'), AZURITE_ACCOUNT_KEY, saved.id);
    expect(rekeyed.hasSecret).toBe(true);
    expect(await session.flows((await session.ok('workspace.connect', { id: saved.id })).id)).toEqual(expectedFlows);
  });

  it('forgets the stored secret when the workspace switches to a sign-in without one', async () => {
    const vault = new MemoryVault();
    const session = new Session(userData(), vault, { AZURE_STORAGE_CONNECTION_STRING: connectionString });
    const saved = await session.save(azure('Switch', 'connectionString'), connectionString);
    expect(await vault.has(saved.id)).toBe(true);
    const switched = await session.save(azure('Switch', 'environment'), undefined, saved.id);
    expect(switched.hasSecret).toBe(false);
    expect(await vault.has(saved.id)).toBe(false);
    const local = await session.save({ kind: 'local', name: 'Switch', path: scratch }, undefined, saved.id);
    expect(local).toEqual({ id: saved.id, config: { kind: 'local', name: 'Switch', path: scratch }, hasSecret: false });
  });

  it('refuses a duplicate name with ALREADY_EXISTS, for a new workspace and for a rename', async () => {
    const session = new Session(userData(), new MemoryVault());
    await session.save(azure('Taken', 'environment'));
    const other = await session.save(azure('Other', 'environment'));
    const duplicate = await session.fails('workspace.save', { config: { kind: 'local', name: 'Taken', path: scratch } }, 'ALREADY_EXISTS');
    expect(duplicate.message).toContain('"Taken"');
    await session.fails('workspace.save', { id: other.id, config: azure('Taken', 'environment') }, 'ALREADY_EXISTS');
    expect((await session.ok('workspace.list', {})).workspaces.map((w) => w.config.name)).toEqual(['Taken', 'Other']);
    // Saving a workspace under its own name is an update, not a duplicate.
    await session.save(azure('Other', 'identity', { tenantId: 'contoso.onmicrosoft.com' }), undefined, other.id);
  });

  it.each(['connectionString', 'accountKey', 'sas'] as const)('refuses %s without its secret with INVALID_ARGUMENT and saves nothing', async (auth) => {
    const session = new Session(userData(), new MemoryVault());
    const error = await session.fails('workspace.save', { config: azure(`Needs ${auth}`, auth) }, 'INVALID_ARGUMENT');
    expect(error.message).toMatch(/needs its secret/);
    expect((await session.ok('workspace.list', {})).workspaces).toEqual([]);
  });

  it('removes a workspace and its secret', async () => {
    const vault = new MemoryVault();
    const session = new Session(userData(), vault);
    const kept = await session.save(azure('Kept', 'connectionString'), connectionString);
    const gone = await session.save(azure('Gone', 'connectionString'), connectionString);
    expect(await session.ok('workspace.remove', { id: gone.id })).toEqual({ removed: true });
    expect((await session.ok('workspace.list', {})).workspaces.map((w) => w.id)).toEqual([kept.id]);
    expect(await vault.has(gone.id)).toBe(false);
    expect(await vault.has(kept.id)).toBe(true);
    expect(await session.ok('workspace.remove', { id: gone.id })).toEqual({ removed: false });
    await session.fails('workspace.connect', { id: gone.id }, 'NOT_FOUND');
    await session.fails('workspace.save', { id: gone.id, config: azure('Gone', 'environment') }, 'NOT_FOUND');
  });

  it('keeps every workspace when several are saved at the same time', async () => {
    const session = new Session(userData(), new MemoryVault());
    const names = Array.from({ length: 8 }, (_, i) => `Parallel ${i}`);
    const saved = await Promise.all(names.map((name) => session.save(azure(name, 'connectionString'), connectionString)));
    const listed = (await session.ok('workspace.list', {})).workspaces;
    expect(listed.map((w) => w.config.name).sort()).toEqual([...names].sort());
    expect(listed.every((w) => w.hasSecret)).toBe(true);
    expect(new Set(saved.map((w) => w.id)).size).toBe(names.length);
  });

  it.each<[string, string]>([
    ['not JSON', '[{"id": "broken'],
    ['not a list', JSON.stringify({ workspaces: [] })],
    ['an entry with an invalid config', JSON.stringify([{ id: '6f1c2a8e-8a51-4c1e-9b7a-3c1d2e4f5a6b', config: { kind: 'azure', name: 'x', sysroot: '/bad' } }])],
  ])('reports a workspaces.json that is %s as CORRUPT_DATA on every channel, and leaves the file alone', async (_label, content) => {
    const dir = userData();
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, 'workspaces.json');
    await writeFile(file, content);
    const session = new Session(dir, new MemoryVault());
    const id = '6f1c2a8e-8a51-4c1e-9b7a-3c1d2e4f5a6b';
    for (const [channel, args] of [
      ['workspace.list', {}],
      ['workspace.save', { config: azure('New', 'environment') }],
      ['workspace.connect', { id }],
      ['workspace.remove', { id }],
    ] as const) {
      const error = await session.fails(channel, args, 'CORRUPT_DATA');
      expect(error.message, channel).toContain(file);
    }
    expect(await readFile(file, 'utf8')).toBe(content);
    // The rest of the app still answers.
    expect(await session.ok('settings.get', {})).toEqual({ debugLogging: false });
  });
});

/** A tracking server that answers the experiment search only to Basic alice:<password>, and keeps what it was sent. */
class TrackingServer {
  readonly authorizations: (string | undefined)[] = [];
  base = '';
  private server?: Server;

  constructor(private readonly password: string) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.authorizations.push(req.headers.authorization);
      req.resume();
      const ok = req.headers.authorization === `Basic ${Buffer.from(`alice:${this.password}`).toString('base64')}`;
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      res.end(JSON.stringify(ok ? { experiments: [{ experiment_id: '0', name: 'Default', lifecycle_stage: 'active' }] } : { message: 'Invalid credentials' }));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** The tracking URI with alice's user name and password in it. */
  uriWithPassword(): string {
    return this.base.replace('http://', `http://alice:${encodeURIComponent(this.password)}@`);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

describe('passwords in tracking URIs', () => {
  const password = 'uri-p@ss/4c1e';
  let tracking: TrackingServer;

  beforeEach(async () => {
    tracking = await new TrackingServer(password).start();
  });

  afterEach(async () => {
    await tracking.stop();
  });

  async function experimentsOf(session: Session, savedId: string): Promise<Reply> {
    const info = await session.ok('workspace.connect', { id: savedId });
    return session.call('mlflow.experiments', { workspaceId: info.id, view: 'all' });
  }

  it('go to the vault: save and list return the URI without them, workspaces.json holds none, and connecting signs in with them', async () => {
    const session = new Session(userData(), new MemoryVault());
    const saved = await session.save(azure('Tracked', 'connectionString', { mlflowTrackingUri: tracking.uriWithPassword() }), connectionString);
    expect(saved.config).toEqual(azure('Tracked', 'connectionString', { mlflowTrackingUri: tracking.base }));
    expect((await session.ok('workspace.list', {})).workspaces.map((w) => w.config.mlflowTrackingUri)).toEqual([tracking.base]);
    expect((await experimentsOf(session, saved.id)).ok).toBe(true);

    // Saved again as the renderer shows it (no user info): the password stays with the same server.
    await session.save(azure('Renamed', 'connectionString', { mlflowTrackingUri: tracking.base }), undefined, saved.id);
    expect((await experimentsOf(session, saved.id)).ok).toBe(true);
    expect(tracking.authorizations.every((a) => a === `Basic ${Buffer.from(`alice:${password}`).toString('base64')}`)).toBe(true);
    for (const text of [password, encodeURIComponent(password)]) await session.expectNowhere(text);
  });

  it('do not follow the workspace to another server', async () => {
    const session = new Session(userData(), new MemoryVault());
    const saved = await session.save({ kind: 'local', name: 'Tracked', path: scratch, mlflowTrackingUri: tracking.uriWithPassword() });
    const elsewhere = await new TrackingServer('other').start();
    try {
      await session.save({ kind: 'local', name: 'Tracked', path: scratch, mlflowTrackingUri: elsewhere.base }, undefined, saved.id);
      expect(await experimentsOf(session, saved.id)).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED' } });
      expect(elsewhere.authorizations).toEqual([undefined]);
    } finally {
      await elsewhere.stop();
    }
    // Pointed back, the workspace has no password any more: it was dropped, not kept for later.
    await session.save({ kind: 'local', name: 'Tracked', path: scratch, mlflowTrackingUri: tracking.base }, undefined, saved.id);
    expect(await experimentsOf(session, saved.id)).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED' } });
  });

  it('are kept encrypted across a restart, and moved out of a workspaces.json an older Stratus wrote', async () => {
    const key = randomBytes(32);
    const dir = userData();
    const vaultFile = path.join(dir, 'secrets.json');
    const id = '6f1c2a8e-8a51-4c1e-9b7a-3c1d2e4f5a6b';
    await mkdir(dir, { recursive: true });
    const old = { kind: 'local', name: 'Old', path: scratch, mlflowTrackingUri: tracking.uriWithPassword() };
    await writeFile(path.join(dir, 'workspaces.json'), JSON.stringify([{ id, config: old }]));

    const first = new Session(dir, new EncryptedFileVault(vaultFile, testCipher(key)));
    expect((await first.ok('workspace.list', {})).workspaces).toEqual([{ id, config: { ...old, mlflowTrackingUri: tracking.base }, hasSecret: false }]);
    for (const file of ['workspaces.json', 'secrets.json']) {
      const text = await readFile(path.join(dir, file), 'utf8');
      expect(text, file).not.toContain(encodeURIComponent(password));
      expect(text, file).not.toContain(password);
    }

    const second = new Session(dir, new EncryptedFileVault(vaultFile, testCipher(key)));
    expect((await experimentsOf(second, id)).ok).toBe(true);
    // Removing the workspace removes its tracking password too.
    await second.ok('workspace.remove', { id });
    expect(JSON.parse(await readFile(vaultFile, 'utf8'))).toEqual({});
  });
});

describe('secret vaults', () => {
  it('EncryptedFileVault stores secrets encrypted and keeps them across a restart', async () => {
    const key = randomBytes(32);
    const dir = userData();
    const vaultFile = path.join(dir, 'secrets.json');
    const first = new Session(dir, new EncryptedFileVault(vaultFile, testCipher(key)));
    const saved = await first.save(azure('Encrypted', 'connectionString'), connectionString);
    expect((await first.ok('workspace.list', {})).secretsPersisted).toBe(true);

    const onDisk = await readFile(vaultFile, 'utf8');
    expect(Object.keys(JSON.parse(onDisk) as Record<string, string>)).toEqual([saved.id]);
    for (const plain of [connectionString, AZURITE_ACCOUNT_KEY, AZURITE_ACCOUNT_KEY.slice(0, 16), AZURITE_ACCOUNT_NAME]) {
      expect(onDisk).not.toContain(plain);
    }
    await first.expectNowhere(AZURITE_ACCOUNT_KEY);

    // A restart: new services, a new vault object over the same file, the same OS key.
    const second = new Session(dir, new EncryptedFileVault(vaultFile, testCipher(key)));
    const listed = await second.ok('workspace.list', {});
    expect(listed).toEqual({ workspaces: [{ id: saved.id, config: azure('Encrypted', 'connectionString'), hasSecret: true }], secretsPersisted: true });
    expect(await second.flows((await second.ok('workspace.connect', { id: saved.id })).id)).toEqual(expectedFlows);

    expect(await second.ok('workspace.remove', { id: saved.id })).toEqual({ removed: true });
    expect(JSON.parse(await readFile(vaultFile, 'utf8'))).toEqual({});
  });

  it('EncryptedFileVault reports a secret the OS key can no longer decrypt as a clear AUTH_FAILED', async () => {
    const dir = userData();
    const vaultFile = path.join(dir, 'secrets.json');
    const saved = await new Session(dir, new EncryptedFileVault(vaultFile, testCipher())).save(azure('Rekeyed', 'connectionString'), connectionString);
    // The keychain entry changed (another OS user, a reset keychain): same file, different key.
    const session = new Session(dir, new EncryptedFileVault(vaultFile, testCipher()));
    const error = await session.fails('workspace.connect', { id: saved.id }, 'AUTH_FAILED');
    expect(error.message).toMatch(/cannot be decrypted/);
    expect(error.hint).toMatch(/enter its secret again/);
    // Entering the secret again repairs it.
    await session.save(azure('Rekeyed', 'connectionString'), connectionString, saved.id);
    expect(await session.flows((await session.ok('workspace.connect', { id: saved.id })).id)).toEqual(expectedFlows);
  });

  it('EncryptedFileVault reports a corrupt secrets.json as CORRUPT_DATA', async () => {
    const dir = userData();
    const vaultFile = path.join(dir, 'secrets.json');
    const saved = await new Session(dir, new EncryptedFileVault(vaultFile, testCipher())).save(azure('Vaulted', 'connectionString'), connectionString);
    await writeFile(vaultFile, '{"truncated": ');
    const session = new Session(dir, new EncryptedFileVault(vaultFile, testCipher()));
    for (const [channel, args] of [
      ['workspace.list', {}],
      ['workspace.connect', { id: saved.id }],
    ] as const) {
      const error = await session.fails(channel, args, 'CORRUPT_DATA');
      expect(error.message, channel).toContain(vaultFile);
    }
  });

  it('MemoryVault does not persist: after a restart the secret is gone and connecting says so', async () => {
    const dir = userData();
    const first = new Session(dir, new MemoryVault());
    const saved = await first.save(azure('In memory', 'connectionString'), connectionString);
    expect(await first.ok('workspace.list', {})).toMatchObject({ secretsPersisted: false, workspaces: [{ id: saved.id, hasSecret: true }] });
    expect(await readdir(dir)).toEqual(['workspaces.json']);

    const second = new Session(dir, new MemoryVault());
    expect(await second.ok('workspace.list', {})).toEqual({
      workspaces: [{ id: saved.id, config: azure('In memory', 'connectionString'), hasSecret: false }],
      secretsPersisted: false,
    });
    const error = await second.fails('workspace.connect', { id: saved.id }, 'AUTH_FAILED');
    expect(error.message).toBe(
      'The secret of "In memory" is not stored here: without an OS keychain (as in browser mode) secrets are kept in memory only, until Stratus stops.',
    );
    expect(error.hint).toMatch(/enter its secret again/);
  });
});

describe('settings', () => {
  it('round-trips through settings.get/set and persists to settings.json', async () => {
    const dir = userData();
    const session = new Session(dir, new MemoryVault());
    expect(await session.ok('settings.get', {})).toEqual({ debugLogging: false });
    try {
      expect(await session.ok('settings.set', { debugLogging: true })).toEqual({ debugLogging: true });
      expect(JSON.parse(await readFile(path.join(dir, 'settings.json'), 'utf8'))).toEqual({ debugLogging: true });
      expect(await new Session(dir, new MemoryVault()).ok('settings.get', {})).toEqual({ debugLogging: true });
    } finally {
      // settings.set also turns on verbose Azure SDK logging for this process: turn it off again.
      await session.ok('settings.set', { debugLogging: false });
    }
    expect(await new Session(dir, new MemoryVault()).ok('settings.get', {})).toEqual({ debugLogging: false });
  });

  it('falls back to the defaults when settings.json is corrupt', async () => {
    const dir = userData();
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'settings.json'), '{"debugLogging": "yes"');
    expect(await new Session(dir, new MemoryVault()).ok('settings.get', {})).toEqual({ debugLogging: false });
  });
});
