import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { extract } from 'tar';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createServices, type Services } from '../../electron/services.js';
import { MetaflowListing, WorkspaceInfo } from '../../shared/contract.js';
import type { StratusErrorShape } from '../../shared/errors.js';
import { fixtureDir } from '../harness/repo.js';
import { readFixtureBlobs, readManifest, type Manifest } from '../harness/metaflow-fixture.js';

// A local workspace needs no Azure: the shared fixture's blobs, unpacked into a folder in Metaflow's
// local layout (`<folder>/.metaflow/<Flow>/...`, what METAFLOW_DATASTORE_SYSROOT_LOCAL=<folder> gives),
// must browse exactly like the same data in Azurite. The local metadata provider's records from the
// same runs (local-metadata.tar.gz) live in the same `.metaflow` tree and must not show up as data.

const LOCAL_METADATA_TAR = path.join(fixtureDir, 'local-metadata.tar.gz');
/** Metaflow's local datastore folder and, inside it, its default local card root. */
const DATASTORE_DIR = '.metaflow';
const LOCAL_CARD_DIR = 'mf.cards';
const METADATA_DIR = '_meta';

type ListPath = { flow?: string; run?: string; step?: string; task?: string };
type Reply = { ok: true; value: unknown } | { ok: false; error: StratusErrorShape };

/** The blob-name prefix of a `<container>/<prefix>` root ('' for a bare container). */
function blobPrefixOf(root: string): string {
  const slash = root.indexOf('/');
  return slash < 0 ? '' : `${root.slice(slash + 1)}/`;
}

/** Every task of the fixture as `Flow/run/step/task`, from the run-tree blob names of the manifest. */
function manifestTasks(manifest: Manifest, blobPrefix: string): string[] {
  const tasks = new Set<string>();
  for (const { name } of manifest.blobs) {
    const parts = name.startsWith(blobPrefix) ? name.slice(blobPrefix.length).split('/') : [];
    if (parts.length === 5 && parts[1] !== 'data') tasks.add(parts.slice(0, 4).join('/'));
  }
  return [...tasks].sort();
}

/** Writes the datastore blobs to `<folder>/.metaflow/...` and the card blobs to its local card root. */
async function unpackFixture(folder: string, manifest: Manifest): Promise<void> {
  const datastorePrefix = blobPrefixOf(manifest.datastore_sysroot_azure);
  const cardPrefix = blobPrefixOf(manifest.card_azureroot);
  const root = path.join(folder, DATASTORE_DIR);
  for (const [name, body] of await readFixtureBlobs()) {
    let relative: string;
    if (name.startsWith(datastorePrefix)) relative = name.slice(datastorePrefix.length);
    else if (name.startsWith(cardPrefix)) relative = `${LOCAL_CARD_DIR}/${name.slice(cardPrefix.length)}`;
    else throw new Error(`fixture blob ${name} is neither under the sysroot nor the card root`);
    const file = path.join(root, ...relative.split('/'));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, body);
  }
  // Its tree starts with `.metaflow/`, so it merges into the datastore folder.
  await extract({ file: LOCAL_METADATA_TAR, cwd: folder });
}

/** Depths (1 = flow, 2 = run, 3 = step, 4 = task) at which a `_meta` folder exists under `root`. */
async function metadataDepths(root: string, depth = 0, found = new Set<number>()): Promise<Set<number>> {
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    if (entry.name === METADATA_DIR) found.add(depth);
    else await metadataDepths(path.join(root, entry.name), depth + 1, found);
  }
  return found;
}

async function list(services: Services, workspaceId: string, listPath: ListPath): Promise<MetaflowListing> {
  const reply = await services.router.dispatch('metaflow.list', { workspaceId, ...listPath });
  if (!reply.ok) throw new Error(`metaflow.list ${JSON.stringify(listPath)} failed: ${reply.error.code} ${reply.error.message}`);
  return MetaflowListing.parse(reply.value);
}

const CHILD_KEY = { flows: 'flow', runs: 'run', steps: 'step', tasks: 'task' } as const;

/** Every listing of a workspace, level by level down to each task's artifacts, keyed by its path. */
async function walk(services: Services, workspaceId: string): Promise<Map<string, MetaflowListing>> {
  const listings = new Map<string, MetaflowListing>();
  const visit = async (at: ListPath): Promise<void> => {
    const listing = await list(services, workspaceId, at);
    listings.set([at.flow, at.run, at.step, at.task].filter((s) => s !== undefined).join('/'), listing);
    if (listing.level === 'artifacts') return;
    for (const entry of listing.entries) await visit({ ...at, [CHILD_KEY[listing.level]]: entry.name });
  };
  await visit({});
  return listings;
}

function expectError(reply: Reply, code: StratusErrorShape['code']): StratusErrorShape {
  if (reply.ok) throw new Error(`expected ${code}, got a result: ${JSON.stringify(reply.value).slice(0, 300)}`);
  expect(reply.error.code, reply.error.message).toBe(code);
  expect(reply.error.message.length).toBeGreaterThan(0);
  return reply.error;
}

describe('a local workspace on the fixture unpacked to a folder', () => {
  const sysroot = inject('sysroot');
  let scratch: string;
  let folder: string;
  let services: Services;
  let manifest: Manifest;
  let azure: Map<string, MetaflowListing>;

  async function openLocal(at: string): Promise<WorkspaceInfo> {
    const reply = await services.router.dispatch('workspace.open', { kind: 'local', path: at });
    if (!reply.ok) throw new Error(`workspace.open failed: ${reply.error.code} ${reply.error.message}`);
    return WorkspaceInfo.parse(reply.value);
  }

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'stratus-local-'));
    folder = path.join(scratch, 'work');
    manifest = await readManifest();
    await unpackFixture(folder, manifest);
    services = createServices({ env: { AZURE_STORAGE_CONNECTION_STRING: inject('connectionString') }, userDataDir: path.join(scratch, 'user-data') });
    // The user chose the scratch folder (in the app: an open dialog in main).
    await services.localAccess.grant(scratch);
    const reply = await services.router.dispatch('workspace.open', { sysroot, endpoint: inject('endpoint'), credential: { kind: 'environment' } });
    if (!reply.ok) throw new Error(`opening the Azure workspace failed: ${reply.error.message}`);
    azure = await walk(services, WorkspaceInfo.parse(reply.value).id);
  });

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('has the local metadata provider\'s _meta folders at every level, so the comparison below means something', async () => {
    expect([...(await metadataDepths(path.join(folder, DATASTORE_DIR)))].sort()).toEqual([1, 2, 3, 4]);
  });

  it('opens the folder as a local workspace on its .metaflow datastore', async () => {
    const info = await openLocal(folder);
    const root = path.join(folder, DATASTORE_DIR);
    expect(info).toEqual({ id: info.id, kind: 'local', sysroot: root, endpoint: pathToFileURL(root).href, authMethod: 'local folder', cardRoot: path.join(root, 'mf.cards'), sysrootCheck: { verdict: 'flows', message: null, suggestions: [] } });
  });

  it('shows the same flows, runs, steps, tasks and task artifacts as the Azure workspace, at every level', async () => {
    const local = await walk(services, (await openLocal(folder)).id);
    expect([...local.keys()].sort()).toEqual([...azure.keys()].sort());
    for (const [at, listing] of azure) expect(local.get(at), at || '(flows)').toEqual(listing);
  });

  it('reaches every task of the fixture and nothing else: no _meta, card root or latest_run entries', async () => {
    const local = await walk(services, (await openLocal(folder)).id);
    const tasks = [...local].filter(([, listing]) => listing.level === 'artifacts').map(([at]) => at);
    expect(tasks.sort()).toEqual(manifestTasks(manifest, blobPrefixOf(manifest.datastore_sysroot_azure)));
    const names = [...local.values()].flatMap((listing) => (listing.level === 'artifacts' ? [] : listing.entries.map((e) => e.name)));
    for (const hidden of [METADATA_DIR, LOCAL_CARD_DIR, 'latest_run', 'data']) expect(names).not.toContain(hidden);
  });

  it('opens the .metaflow folder itself the same way', async () => {
    const info = await openLocal(path.join(folder, DATASTORE_DIR));
    expect(info.sysroot).toBe(path.join(folder, DATASTORE_DIR));
    const listing = await list(services, info.id, {});
    expect(listing).toEqual(azure.get(''));
  });

  it('reports a folder that does not exist as NOT_FOUND, naming it', async () => {
    const missing = path.join(scratch, 'no-such-folder');
    const error = expectError(await services.router.dispatch('workspace.open', { kind: 'local', path: missing }), 'NOT_FOUND');
    expect(error.message).toContain(missing);
  });

  it('reports a file instead of a folder as NOT_FOUND', async () => {
    const flows = azure.get('');
    if (flows?.level !== 'flows' || flows.entries.length === 0) throw new Error('the Azure workspace lists no flows');
    // The local metadata provider's pointer to a flow's latest run: a plain file inside the tree.
    const file = path.join(folder, DATASTORE_DIR, flows.entries[0].name, 'latest_run');
    expect((await stat(file)).isFile()).toBe(true);
    expectError(await services.router.dispatch('workspace.open', { kind: 'local', path: file }), 'NOT_FOUND');
  });

  it.each(['work/.metaflow', './work', '../work', '.metaflow', '~/work', 'C:relative'])(
    'refuses the relative path %j with INVALID_ARGUMENT',
    async (relative) => {
      const error = expectError(await services.router.dispatch('workspace.open', { kind: 'local', path: relative }), 'INVALID_ARGUMENT');
      expect(error.message).toMatch(/must be an absolute path/);
    },
  );
});
