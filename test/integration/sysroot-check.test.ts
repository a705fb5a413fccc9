import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { extract } from 'tar';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openContainerStore } from '../../electron/azure/azure-object-store.js';
import { checkSysrootData } from '../../electron/metaflow/sysroot-check.js';
import { createServices, type Services } from '../../electron/services.js';
import type { HierarchyListing, ObjectStore } from '../../electron/storage/object-store.js';
import { MetaflowListing, RunList, WorkspaceInfo } from '../../shared/contract.js';
import type { StratusErrorShape } from '../../shared/errors.js';
import { readFixtureBlobs, readManifest } from '../harness/metaflow-fixture.js';
import { fixtureDir } from '../harness/repo.js';

// A sysroot is checked against the data it holds (issue 20): set one or two levels too high or too low
// on the real fixture in Azurite, the workspace says so and names the sysroot that holds the flows, the
// flows list never offers a folder that is not a flow, and "Use" reopens on the suggestion. A local
// folder holding only Metaflow's local metadata shows its runs as what they are, not as running.

const endpoint = inject('endpoint');
const connectionString = inject('connectionString');
const sysroot = inject('sysroot');
const container = inject('container');
/** The layout: the datastore at `<container>/<a>/<b>`, cards in `<b>/mf.cards`. */
const NESTED = 'sysroot-nested';

type Reply = { ok: true; value: unknown } | { ok: false; error: StratusErrorShape };

let services: Services;
let scratch: string;
let flows: string[];
let runOf: Map<string, string>;

function ok(reply: Reply): unknown {
  if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
  return reply.value;
}

async function open(at: string): Promise<WorkspaceInfo> {
  return WorkspaceInfo.parse(ok(await services.router.dispatch('workspace.open', { sysroot: at, endpoint, credential: { kind: 'environment' } })));
}

async function flowNames(workspaceId: string): Promise<string[]> {
  const listing = MetaflowListing.parse(ok(await services.router.dispatch('metaflow.list', { workspaceId })));
  return listing.entries.map((e) => e.name);
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'stratus-sysroot-'));
  services = createServices({ env: { AZURE_STORAGE_CONNECTION_STRING: connectionString }, userDataDir: path.join(scratch, 'user-data') });
  const manifest = await readManifest();
  const dsPrefix = `${manifest.datastore_sysroot_azure.split('/').slice(1).join('/')}/`;
  const cardPrefix = `${manifest.card_azureroot.split('/').slice(1).join('/')}/`;
  runOf = new Map();
  for (const { name } of manifest.blobs) {
    const [flow, run] = name.startsWith(dsPrefix) ? name.slice(dsPrefix.length).split('/') : [];
    if (flow !== undefined && run !== undefined && run !== 'data' && !runOf.has(flow)) runOf.set(flow, run);
  }
  flows = [...runOf.keys()].sort();
  // The same blobs one folder deeper, with the cards where Metaflow puts them by default.
  const client = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(NESTED);
  await client.createIfNotExists();
  const blobs = [...(await readFixtureBlobs())];
  for (let i = 0; i < blobs.length; i += 32) {
    await Promise.all(
      blobs.slice(i, i + 32).map(([name, body]) => {
        const moved = name.startsWith(cardPrefix) ? `${dsPrefix}mf.cards/${name.slice(cardPrefix.length)}` : name;
        return client.getBlockBlobClient(`team/${moved}`).uploadData(body);
      }),
    );
  }
}, 120_000);

afterAll(async () => {
  await services.close();
  await rm(scratch, { recursive: true, force: true });
});

describe('a sysroot checked against its data', () => {
  it('finds the fixture sysroot right, with nothing to suggest', async () => {
    const info = await open(sysroot);
    expect(info.sysrootCheck).toEqual({ verdict: 'flows', message: null, suggestions: [] });
    expect(await flowNames(info.id)).toEqual(flows);
  });

  it('one level too high (<container>/<a> for a datastore at <container>/<a>/<b>): says so, suggests <a>/<b>, lists no flow', async () => {
    const datastore = sysroot.slice(container.length + 1);
    const info = await open(`${NESTED}/team`);
    expect(info.sysrootCheck?.verdict).toBe('not-flows');
    expect(info.sysrootCheck?.suggestions).toEqual([`${NESTED}/team/${datastore}`]);
    expect(info.sysrootCheck?.message).toContain(datastore);
    // The datastore folder is not a flow, so its flows are never shown as its runs.
    expect(await flowNames(info.id)).toEqual([]);
    const runs = await services.router.dispatch('metaflow.runs', { workspaceId: info.id, flow: datastore });
    expect(runs.ok).toBe(false);
    if (!runs.ok) expect(runs.error.message).toMatch(/is not a Metaflow flow/);
  });

  it('one level too high on the fixture container itself (the bare container)', async () => {
    const info = await open(container);
    expect(info.sysrootCheck).toMatchObject({ verdict: 'not-flows', suggestions: [sysroot] });
    expect(await flowNames(info.id)).toEqual([]);
  });

  it('two levels too high', async () => {
    const info = await open(NESTED);
    expect(info.sysrootCheck).toMatchObject({ verdict: 'not-flows', suggestions: [`${NESTED}/team/${sysroot.slice(container.length + 1)}`] });
  });

  it('one level too low (a flow): suggests its parent', async () => {
    const info = await open(`${sysroot}/${flows[0]}`);
    expect(info.sysrootCheck).toMatchObject({ verdict: 'not-flows', suggestions: [sysroot] });
    expect(await flowNames(info.id)).toEqual([]);
  });

  it('two levels too low (a run): suggests its grandparent', async () => {
    const info = await open(`${sysroot}/${flows[0]}/${runOf.get(flows[0])}`);
    expect(info.sysrootCheck).toMatchObject({ suggestions: [sysroot] });
    // Its steps have flow-like names but are not flows.
    expect(await flowNames(info.id)).toEqual([]);
  });

  it('an empty prefix next to the datastore: says it holds nothing and points up', async () => {
    const info = await open(`${sysroot}/NoSuchFlow`);
    expect(info.sysrootCheck).toMatchObject({ verdict: 'empty', suggestions: [sysroot] });
  });

  it('"Use" reopens the workspace on a suggested sysroot with the same sign-in, and refuses any other', async () => {
    const wrong = await open(`${NESTED}/team`);
    const [suggestion] = wrong.sysrootCheck?.suggestions ?? [];
    const used = WorkspaceInfo.parse(ok(await services.router.dispatch('workspace.useSysroot', { id: wrong.id, sysroot: suggestion })));
    expect(used).toMatchObject({ sysroot: suggestion, sysrootCheck: { verdict: 'flows' } });
    expect(await flowNames(used.id)).toEqual(flows);
    const other = await services.router.dispatch('workspace.useSysroot', { id: wrong.id, sysroot: `${NESTED}/elsewhere` });
    expect(other).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  });

  it('costs few requests: a right sysroot a handful, a wrong one a few dozen at most', async () => {
    let requests = 0;
    const counting = (store: ObjectStore): ObjectStore => ({
      description: store.description,
      listHierarchy: (prefix: string, limit?: number): Promise<HierarchyListing> => (requests++, store.listHierarchy(prefix, limit)),
      listAll: (prefix) => (requests++, store.listAll(prefix)),
      read: (name) => (requests++, store.read(name)),
      readRange: (name, offset, length) => (requests++, store.readRange(name, offset, length)),
    });
    const nested = counting(openContainerStore(endpoint, { kind: 'connectionString', connectionString }, {}, services.identity, NESTED));
    const right = await checkSysrootData(nested, ['team', 'ds'], { up: 2, listable: 2 });
    expect(right.verdict).toBe('flows');
    expect(requests).toBeLessThanOrEqual(8);
    requests = 0;
    const high = await checkSysrootData(nested, [], { up: 0, listable: 0 });
    expect(high.suggestions).toEqual([{ up: 0, down: ['team', 'ds'] }]);
    expect(requests).toBeLessThanOrEqual(40);
  });
});

describe('a local folder datastore', () => {
  let datastore: string;

  beforeAll(async () => {
    // The fixture's datastore as Metaflow's local datastore writes it: `<folder>/.metaflow/<Flow>/…`, two levels down.
    const manifest = await readManifest();
    const prefix = `${manifest.datastore_sysroot_azure.split('/').slice(1).join('/')}/`;
    datastore = path.join(scratch, 'local', 'team', '.metaflow');
    for (const [name, body] of await readFixtureBlobs()) {
      if (!name.startsWith(prefix)) continue;
      const file = path.join(datastore, ...name.slice(prefix.length).split('/'));
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, body);
    }
    await services.localAccess.grant(path.join(scratch, 'local'));
  });

  async function openLocal(at: string): Promise<WorkspaceInfo> {
    return WorkspaceInfo.parse(ok(await services.router.dispatch('workspace.open', { kind: 'local', path: at })));
  }

  it('one level too low (a flow folder): suggests the datastore folder', async () => {
    const info = await openLocal(path.join(datastore, flows[0]));
    expect(info.sysrootCheck).toMatchObject({ verdict: 'not-flows', suggestions: [datastore] });
    expect(await flowNames(info.id)).toEqual([]);
  });

  it('too high (the folder above the one holding .metaflow): suggests the datastore folder', async () => {
    const info = await openLocal(path.join(scratch, 'local'));
    expect(info.sysrootCheck).toMatchObject({ verdict: 'not-flows', suggestions: [datastore] });
    const used = WorkspaceInfo.parse(ok(await services.router.dispatch('workspace.useSysroot', { id: info.id, path: datastore })));
    expect(await flowNames(used.id)).toEqual(flows);
  });
});

describe('a local folder holding only Metaflow metadata', () => {
  it('is opened with the problem stated, and its runs are "unknown" (metadata only), never running', async () => {
    const root = await mkdtemp(path.join(scratch, 'metadata-only-'));
    await extract({ file: path.join(fixtureDir, 'local-metadata.tar.gz'), cwd: root });
    await services.localAccess.grant(root);
    const info = WorkspaceInfo.parse(ok(await services.router.dispatch('workspace.open', { kind: 'local', path: root })));
    expect(info.sysrootCheck?.verdict).toBe('metadata-only');
    expect(info.sysrootCheck?.message).toMatch(/only Metaflow's local metadata/);
    const names = await flowNames(info.id);
    expect(names.length).toBeGreaterThan(0);
    const list = RunList.parse(ok(await services.router.dispatch('metaflow.runs', { workspaceId: info.id, flow: names[0] })));
    expect(list.runs.length).toBeGreaterThan(0);
    for (const run of list.runs) {
      expect(run.status).toBe('unknown');
      expect(run.startedAt).toBeNull();
      // What is known comes through: the metadata's user and tags.
      expect(run.user).not.toBeNull();
    }
  });
});
