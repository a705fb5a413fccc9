import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createServices, type Services } from '../../electron/services.js';
import { UsageTable, type UsageRow } from '../../shared/schemas/usage.js';
import { QUIET_MS } from '../../electron/usage/metaflow/run-usage.js';
import { loadMetaflowFixture, readFixtureBlobs, type LoadedFixture } from '../harness/metaflow-fixture.js';

// Usage of the shared Metaflow fixture in Azurite, checked against sums this test computes itself
// from the fixture's manifest and its data.json files: per flow, run and step, unique vs shared CAS
// bytes (the two ArtifactTypesFlow runs share the 8 MiB blob), logs, cards, bytes per tier, and
// what gc's planner would free.

const connectionString = inject('connectionString');
const service = BlobServiceClient.fromConnectionString(connectionString);
const DAY = 86_400_000;

interface Expected {
  /** flow → sha → size */
  cas: Map<string, Map<string, number>>;
  /** flow → sha → holders ("run" or "run/step") */
  runHolders: Map<string, Map<string, Set<string>>>;
  stepHolders: Map<string, Map<string, Set<string>>>;
  /** "flow/run" → log bytes, card bytes */
  logs: Map<string, number>;
  cards: Map<string, number>;
  runs: Map<string, string[]>;
}

function add<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = make()));
  return value;
}

/** Everything from the manifest (names, sizes) and the data.json bodies, nothing from Stratus. */
async function expectedFrom(fixture: LoadedFixture, extra: { flow: string; sha: string; size: number }): Promise<Expected> {
  const blobs = await readFixtureBlobs();
  const root = `${fixture.manifest.datastore_sysroot_azure.split('/').slice(1).join('/')}/`;
  const cardRoot = `${fixture.manifest.card_azureroot.split('/').slice(1).join('/')}/`;
  const e: Expected = { cas: new Map(), runHolders: new Map(), stepHolders: new Map(), logs: new Map(), cards: new Map(), runs: new Map() };
  for (const blob of fixture.manifest.blobs) {
    if (blob.name.startsWith(cardRoot)) {
      const [flow, runs, run] = blob.name.slice(cardRoot.length).split('/');
      if (runs === 'runs') e.cards.set(`${flow}/${run}`, (e.cards.get(`${flow}/${run}`) ?? 0) + blob.size);
      continue;
    }
    if (!blob.name.startsWith(root)) continue;
    const parts = blob.name.slice(root.length).split('/');
    const [flow, run, step] = parts;
    if (run === 'data' && parts.length === 4) {
      add(e.cas, flow, () => new Map<string, number>()).set(parts[3], blob.size);
      continue;
    }
    if (parts.length !== 5) continue;
    const runs = add(e.runs, flow, () => []);
    if (!runs.includes(run)) runs.push(run);
    if (parts[4].endsWith('.log')) e.logs.set(`${flow}/${run}`, (e.logs.get(`${flow}/${run}`) ?? 0) + blob.size);
    if (/^\d+\.data\.json$/.test(parts[4])) {
      const body = blobs.get(blob.name);
      if (!body) throw new Error(`no body for ${blob.name}`);
      for (const sha of Object.values((JSON.parse(body.toString('utf8')) as { objects: Record<string, string> }).objects)) {
        add(add(e.runHolders, flow, () => new Map()), sha, () => new Set()).add(run);
        add(add(e.stepHolders, flow, () => new Map()), sha, () => new Set()).add(`${run}/${step}`);
      }
    }
  }
  add(e.cas, extra.flow, () => new Map()).set(extra.sha, extra.size);
  return e;
}

/** Unique and shared bytes of what `holder` names, by the holders of each blob. */
function split(cas: Map<string, number>, holders: Map<string, Set<string>>, holder: (h: Set<string>) => boolean) {
  const r = { uniqueBytes: 0, uniqueCount: 0, sharedBytes: 0, sharedCount: 0 };
  for (const [sha, who] of holders) {
    const size = cas.get(sha);
    if (size === undefined || !holder(who)) continue;
    if (who.size === 1) {
      r.uniqueBytes += size;
      r.uniqueCount++;
    } else {
      r.sharedBytes += size;
      r.sharedCount++;
    }
  }
  return r;
}

let services: Services;
let container: ContainerClient;
let fixture: LoadedFixture;
let workspaceId: string;
let expected: Expected;
let cool: { flow: string; sha: string; size: number };
let garbage: { flow: string; sha: string; size: number };

async function table(args: { flow?: string; run?: string }): Promise<UsageTable> {
  const reply = await services.router.dispatch('usage.metaflow', { workspaceId, ...args });
  if (!reply.ok) throw new Error(reply.error.message);
  return UsageTable.parse(reply.value);
}

function row(t: UsageTable, name: string): UsageRow {
  const found = t.rows.find((r) => r.name === name);
  if (!found) throw new Error(`no row ${name} in ${t.rows.map((r) => r.name).join(', ')}`);
  return found;
}

beforeAll(async () => {
  const name = `usage-${randomUUID().slice(0, 8)}`;
  fixture = await loadMetaflowFixture(connectionString, { container: name });
  container = service.getContainerClient(name);
  const root = `${fixture.sysroot.split('/').slice(1).join('/')}/`;
  // A blob no data.json names (gc's kind of garbage), and one CAS blob moved to Cool.
  const body = randomBytes(321);
  const flow = [...new Set(fixture.manifest.blobs.map((b) => b.name.slice(root.length).split('/')[0]).filter((f) => /^[A-Z]/.test(f)))].sort()[0];
  garbage = { flow, sha: createHash('sha1').update(body).digest('hex'), size: body.length };
  await container.getBlockBlobClient(`${root}${flow}/data/${garbage.sha.slice(0, 2)}/${garbage.sha}`).uploadData(body);
  expected = await expectedFrom(fixture, garbage);
  const [coolFlow, coolBlobs] = [...expected.cas].find(([f]) => f !== flow) ?? [...expected.cas][0];
  const [coolSha, coolSize] = [...coolBlobs].find(([sha]) => expected.runHolders.get(coolFlow)?.has(sha)) ?? [...coolBlobs][0];
  cool = { flow: coolFlow, sha: coolSha, size: coolSize };
  await container.getBlobClient(`${root}${coolFlow}/data/${coolSha.slice(0, 2)}/${coolSha}`).setAccessTier('Cool');
  services = createServices({ env: {} });
  const info = await services.workspaces.connect({
    kind: 'azure',
    sysroot: fixture.sysroot,
    cardRoot: fixture.cardRoot,
    endpoint: service.url,
    credential: { kind: 'connectionString', connectionString },
  });
  workspaceId = info.id;
  // Azurite stamps every blob now: the clock moves past the quiet time after which a failed run counts as finished.
  await services.usage.build(workspaceId, { now: Date.now() + 2 * QUIET_MS });
}, 120_000);

afterAll(async () => {
  await services?.close();
  await container?.deleteIfExists();
});

describe('Metaflow usage on the shared fixture', () => {
  it('splits each flow into unique, shared and unreferenced CAS bytes, with logs and cards', async () => {
    const flows = await table({});
    expect(flows.level).toBe('flows');
    expect(flows.rows.map((r) => r.name).sort()).toEqual([...expected.cas.keys()].sort());
    for (const [flow, cas] of expected.cas) {
      const holders = expected.runHolders.get(flow) ?? new Map<string, Set<string>>();
      const want = split(cas, holders, () => true);
      const unreferenced = [...cas].filter(([sha]) => !holders.has(sha));
      const runs = expected.runs.get(flow) ?? [];
      const got = row(flows, flow);
      expect({ flow, ...got }).toMatchObject({
        flow,
        ...want,
        unreferencedBytes: unreferenced.reduce((sum, [, size]) => sum + size, 0),
        unreferencedCount: unreferenced.length,
        runs: runs.length,
        logBytes: runs.reduce((sum, run) => sum + (expected.logs.get(`${flow}/${run}`) ?? 0), 0),
        cardBytes: runs.reduce((sum, run) => sum + (expected.cards.get(`${flow}/${run}`) ?? 0), 0),
      });
      const casBytes = [...cas.values()].reduce((a, b) => a + b, 0);
      expect(Object.values(got.tiers).reduce((a, b) => a + b, 0)).toBe(casBytes);
      if (flow === cool.flow) expect(got.tiers.Cool).toBe(cool.size);
    }
    expect(row(flows, garbage.flow).unreferencedBytes).toBeGreaterThanOrEqual(garbage.size);
  });

  it('splits every run, and the ArtifactTypesFlow runs share their largest blob', async () => {
    for (const [flow, runs] of expected.runs) {
      const t = await table({ flow });
      expect(t.level).toBe('runs');
      expect(t.total).toBe(runs.length);
      const cas = expected.cas.get(flow) ?? new Map<string, number>();
      const holders = expected.runHolders.get(flow) ?? new Map<string, Set<string>>();
      for (const run of runs) {
        const got = row(t, run);
        expect({ run, ...got }).toMatchObject({
          run,
          ...split(cas, holders, (who) => who.has(run)),
          logBytes: expected.logs.get(`${flow}/${run}`) ?? 0,
          cardBytes: expected.cards.get(`${flow}/${run}`) ?? 0,
          running: false,
        });
      }
    }
    // The flow with two runs sharing a blob: its largest CAS blob is named by both, so it is shared, not unique.
    const artifactTypes = expected.runs.get('ArtifactTypesFlow') ?? [];
    expect(artifactTypes).toHaveLength(2);
    const largest = Math.max(...(expected.cas.get('ArtifactTypesFlow') ?? new Map<string, number>()).values());
    const runs = await table({ flow: 'ArtifactTypesFlow' });
    for (const run of artifactTypes) {
      expect(row(runs, run).sharedBytes).toBeGreaterThanOrEqual(largest);
      expect(row(runs, run).uniqueBytes).toBeLessThan(largest);
    }
  });

  it('splits every step of a run among all steps of the flow', async () => {
    for (const [flow, runs] of expected.runs) {
      const cas = expected.cas.get(flow) ?? new Map<string, number>();
      const holders = expected.stepHolders.get(flow) ?? new Map<string, Set<string>>();
      const run = runs[0];
      const t = await table({ flow, run });
      expect(t.level).toBe('steps');
      const steps = new Set([...holders.values()].flatMap((who) => [...who]).filter((h) => h.startsWith(`${run}/`)).map((h) => h.split('/')[1]));
      for (const step of steps) {
        expect({ step, ...row(t, step) }).toMatchObject({ step, ...split(cas, holders, (who) => who.has(`${run}/${step}`)) });
      }
    }
  });

  it("reports gc's would-free bytes per flow from its planner, without deleting", async () => {
    const later = Date.now() + 30 * DAY;
    const free = await services.usage.gcFree(workspaceId, { now: later });
    const flows = await table({});
    for (const f of free.flows) expect(f.candidateBytes).toBe(row(flows, f.flow).unreferencedBytes);
    expect(free.flows.find((f) => f.flow === garbage.flow)?.candidateBytes).toBeGreaterThanOrEqual(garbage.size);
    const still = await services.usage.gcFree(workspaceId, { now: later });
    expect(still).toEqual(free);
  });
});
