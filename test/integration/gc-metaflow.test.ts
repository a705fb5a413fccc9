import { spawn } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { GcService } from '../../electron/gc/gc-service.js';
import { gcWorkspace, type GcWorkspace } from '../../electron/gc/gc-workspace.js';
import { GcJournal } from '../../electron/gc/journal.js';
import { createServices, type Services } from '../../electron/services.js';
import type { GcProgress } from '../../shared/schemas/gc.js';
import { loadMetaflowFixture, readFixtureBlobs, type LoadedFixture } from '../harness/metaflow-fixture.js';
import { repoRoot } from '../harness/repo.js';

// Metaflow gc against Azurite holding the real fixture plus blobs each test adds: unreferenced and
// old, unreferenced and new, and referenced by a task index the test writes. Azurite stamps every
// blob with the current time, so plans run on a clock moved forward past the 7-day grace period.

const connectionString = inject('connectionString');
const service = BlobServiceClient.fromConnectionString(connectionString);
const GRACE_HOURS = 7 * 24;

interface Setup {
  fixture: LoadedFixture;
  client: ContainerClient;
  root: string;
  flow: string;
  oldGarbage: string[];
  newGarbage: string[];
  referenced: string[];
  /** Plans are made at this clock reading: old garbage is past the grace period, new garbage is not. */
  now: number;
}

/** Blobs in the fixture's CAS no data.json of the fixture names, derived from the fixture itself. */
async function fixtureGarbage(root: string): Promise<Set<string>> {
  const blobs = await readFixtureBlobs();
  const named = new Set<string>();
  for (const [name, body] of blobs) {
    if (!name.startsWith(root) || !/\/\d+\.data\.json$/.test(name)) continue;
    const flow = name.slice(root.length).split('/')[0];
    for (const sha of Object.values((JSON.parse(body.toString('utf8')) as { objects: Record<string, string> }).objects)) named.add(`${flow}/${sha}`);
  }
  const garbage = new Set<string>();
  for (const name of blobs.keys()) {
    const parts = name.slice(root.length).split('/');
    if (parts.length === 4 && parts[1] === 'data' && !named.has(`${parts[0]}/${parts[3]}`)) garbage.add(name);
  }
  return garbage;
}

function casName(root: string, flow: string, sha: string): string {
  return `${root}${flow}/data/${sha.slice(0, 2)}/${sha}`;
}

async function putCas(client: ContainerClient, root: string, flow: string): Promise<string> {
  const body = randomBytes(64);
  const sha = createHash('sha1').update(body).digest('hex');
  const name = casName(root, flow, sha);
  await client.getBlockBlobClient(name).uploadData(body);
  return name;
}

/** A task index as Metaflow writes it, naming the given CAS blobs. */
async function putTaskIndex(client: ContainerClient, root: string, flow: string, run: string, casNames: string[]): Promise<void> {
  const objects = Object.fromEntries(casNames.map((n, i) => [`artifact_${i}`, n.slice(n.lastIndexOf('/') + 1)]));
  const body = Buffer.from(JSON.stringify({ datastore: 'azure', version: '1.0', attempt: 0, objects, info: {} }));
  await client.getBlockBlobClient(`${root}${flow}/${run}/start/1/0.data.json`).uploadData(body);
}

async function lastModified(client: ContainerClient, names: string[]): Promise<number[]> {
  return Promise.all(names.map(async (n) => (await client.getBlobClient(n).getProperties()).lastModified?.getTime() ?? 0));
}

async function setUp(oldCount: number): Promise<Setup> {
  const fixture = await loadMetaflowFixture(connectionString, { container: `gc-${randomUUID().slice(0, 8)}` });
  const client = service.getContainerClient(fixture.container);
  const root = fixture.sysroot.includes('/') ? `${fixture.sysroot.slice(fixture.container.length + 1)}/` : '';
  const flow = 'ForeachFlow';
  const referenced = [await putCas(client, root, flow), await putCas(client, root, flow)];
  await putTaskIndex(client, root, flow, '9000000000000001', referenced);
  const oldGarbage = await Promise.all(Array.from({ length: oldCount }, () => putCas(client, root, flow)));
  const newest = Math.max(...(await lastModified(client, [...oldGarbage, ...referenced])));
  // Last-Modified has one-second resolution: blobs written after this pause are strictly newer.
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  const newGarbage = [await putCas(client, root, flow), await putCas(client, root, 'BranchFlow')];
  expect(Math.min(...(await lastModified(client, newGarbage)))).toBeGreaterThan(newest);
  return { fixture, client, root, flow, oldGarbage, newGarbage, referenced, now: newest + GRACE_HOURS * 3_600_000 + 500 };
}

async function casBlobs(client: ContainerClient, root: string): Promise<string[]> {
  const names: string[] = [];
  for await (const blob of client.listBlobsFlat({ prefix: root })) if (/\/data\/[0-9a-f]{2}\/[0-9a-f]{40}$/.test(blob.name)) names.push(blob.name);
  return names.sort();
}

/** Every blob any task index names, read in full. */
async function readAllReferenced(client: ContainerClient, root: string): Promise<number> {
  const names: string[] = [];
  for await (const blob of client.listBlobsFlat({ prefix: root })) {
    if (!/\/\d+\.data\.json$/.test(blob.name) || blob.name.includes('/data/')) continue;
    const flow = blob.name.slice(root.length).split('/')[0];
    const index = JSON.parse((await client.getBlobClient(blob.name).downloadToBuffer()).toString('utf8')) as { objects: Record<string, string> };
    for (const sha of Object.values(index.objects)) names.push(casName(root, flow, sha));
  }
  const unique = [...new Set(names)];
  await Promise.all(unique.map((n) => client.getBlobClient(n).downloadToBuffer()));
  return unique.length;
}

let services: Services;
let journalDir: string;

beforeAll(async () => {
  services = createServices({ env: {}, userDataDir: await mkdtemp(path.join(tmpdir(), 'stratus-gc-ud-')) });
  journalDir = await mkdtemp(path.join(tmpdir(), 'stratus-gc-journal-'));
});

afterAll(async () => {
  await rm(journalDir, { recursive: true, force: true });
});

async function openGc(setup: Setup, journalFile: string, batch?: number): Promise<{ gc: GcService; ws: GcWorkspace; journal: GcJournal; progress: GcProgress[] }> {
  const info = await services.workspaces.connect({ kind: 'azure', sysroot: setup.fixture.sysroot, endpoint: service.url, credential: { kind: 'connectionString', connectionString } });
  const ws = gcWorkspace(services.workspaces.get(info.id));
  const workspace: GcWorkspace = batch === undefined ? ws : { ...ws, deleter: { batchSize: batch, deleteMany: (r) => ws.deleter.deleteMany(r) } };
  const journal = GcJournal.open(journalFile);
  const progress: GcProgress[] = [];
  return { gc: new GcService(journal, () => workspace, (p) => progress.push(p)), ws: workspace, journal, progress };
}

describe('Metaflow gc on the fixture plus added blobs', () => {
  let setup: Setup;
  let expectedCandidates: string[];

  beforeAll(async () => {
    setup = await setUp(6);
    expectedCandidates = [...(await fixtureGarbage(setup.root)), ...setup.oldGarbage].sort();
  });

  it('plans exactly the unreferenced blobs older than the grace period, then deletes exactly those', async () => {
    const { gc, ws, journal, progress } = await openGc(setup, path.join(journalDir, 'plain.db'));
    const before = await casBlobs(setup.client, setup.root);
    const plan = await gc.plan({ workspaceId: ws.id, target: 'metaflow' }, { now: setup.now });
    const planned = journal.entries(plan.planId).map((e) => e.name).sort();
    expect(planned).toEqual(expectedCandidates);
    expect(plan.candidates).toBe(expectedCandidates.length);
    for (const name of [...setup.newGarbage, ...setup.referenced]) expect(planned).not.toContain(name);
    const foreach = plan.groups.find((g) => g.name === setup.flow);
    expect(foreach?.recent).toBe(1);
    expect(plan.sample.every((c) => c.reason.includes('data.json') && c.etag !== '')).toBe(true);

    await expect(gc.execute(plan.planId, 'not the name')).rejects.toThrow(/Type the workspace name/);
    const report = await gc.execute(plan.planId, ws.name);
    expect(report.deleted).toBe(expectedCandidates.length);
    expect(report.failed + report.changed + report.reachable).toBe(0);
    expect(progress.at(-1)?.phase).toBe('done');

    const after = await casBlobs(setup.client, setup.root);
    expect(after).toEqual(before.filter((n) => !expectedCandidates.includes(n)));
    expect(await readAllReferenced(setup.client, setup.root)).toBeGreaterThan(0);
    for (const name of setup.newGarbage) expect(after).toContain(name);

    // Nothing is left to collect within the grace period, and the run is in the history.
    const again = await gc.plan({ workspaceId: ws.id, target: 'metaflow' }, { now: setup.now });
    expect(again.candidates).toBe(0);
    expect(gc.history().runs.find((r) => r.planId === plan.planId)?.deleted).toBe(expectedCandidates.length);
    journal.close();
  });

  it('refuses a grace period under one hour', async () => {
    const { gc, ws, journal } = await openGc(setup, path.join(journalDir, 'grace.db'));
    await expect(gc.plan({ workspaceId: ws.id, target: 'metaflow', graceHours: 0.5 })).rejects.toThrow(/at least 1 hour/);
    journal.close();
  });
});

describe('Metaflow gc while Metaflow writes', () => {
  it('keeps a candidate that a task written between plan and delete names', async () => {
    const setup = await setUp(4);
    const { gc, ws, journal } = await openGc(setup, path.join(journalDir, 'concurrent.db'));
    const plan = await gc.plan({ workspaceId: ws.id, target: 'metaflow', flows: [setup.flow] }, { now: setup.now });
    const rescued = setup.oldGarbage[0];
    expect(journal.entries(plan.planId).map((e) => e.name)).toContain(rescued);
    // A new task finishes after the plan and names the candidate (Metaflow found it by HEAD and skipped its upload).
    await putTaskIndex(setup.client, setup.root, setup.flow, '9000000000000002', [rescued]);
    const report = await gc.execute(plan.planId, ws.name);
    expect(report.reachable).toBe(1);
    expect(report.problems.find((p) => p.name === rescued)?.detail).toMatch(/written since the plan/);
    await expect(setup.client.getBlobClient(rescued).downloadToBuffer()).resolves.toHaveLength(64);
    for (const name of setup.oldGarbage.slice(1)) expect(await setup.client.getBlobClient(name).exists()).toBe(false);
    journal.close();
  });

  it('skips a candidate rewritten since the plan (its etag changed)', async () => {
    const setup = await setUp(3);
    const { gc, ws, journal } = await openGc(setup, path.join(journalDir, 'etag.db'));
    const plan = await gc.plan({ workspaceId: ws.id, target: 'metaflow', flows: [setup.flow] }, { now: setup.now });
    const rewritten = setup.oldGarbage[1];
    await setup.client.getBlockBlobClient(rewritten).uploadData(randomBytes(64));
    const report = await gc.execute(plan.planId, ws.name);
    expect(report.changed).toBe(1);
    expect(await setup.client.getBlobClient(rewritten).exists()).toBe(true);
    journal.close();
  });
});

describe('Metaflow gc killed mid-run', () => {
  it('finishes on rerun with the same final state as one clean run', { timeout: 120_000 }, async () => {
    const killed = await setUp(24);
    const clean = await setUp(24);
    const journalFile = path.join(journalDir, 'fault.db');
    const { gc, ws, journal } = await openGc(killed, journalFile, 4);
    const plan = await gc.plan({ workspaceId: ws.id, target: 'metaflow' }, { now: killed.now });
    const total = plan.candidates;

    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(repoRoot, 'test/harness/gc-execute-child.ts'), journalFile, connectionString, killed.fixture.container, killed.root, plan.planId, ws.name, '4'],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    let buffered = '';
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const event = JSON.parse(line) as Partial<GcProgress>;
        if (event.phase === 'deleting' && (event.done ?? 0) > 0) child.kill('SIGKILL');
      }
    });
    expect(await exited, stderr).toBe('SIGKILL');
    const counts = journal.countByState(plan.planId);
    expect(counts.deleted).toBeGreaterThan(0);
    expect(counts.deleted).toBeLessThan(total);

    const report = await gc.execute(plan.planId, ws.name);
    expect(report.deleted + report.gone).toBe(total);
    expect(report.failed).toBe(0);

    const other = await openGc(clean, path.join(journalDir, 'clean.db'));
    const cleanPlan = await other.gc.plan({ workspaceId: other.ws.id, target: 'metaflow' }, { now: clean.now });
    await other.gc.execute(cleanPlan.planId, other.ws.name);
    const relative = (names: string[], s: Setup) =>
      names.map((n) => n.slice(s.root.length)).map((n) => n.replace(/\/data\/[0-9a-f]{2}\/[0-9a-f]{40}$/, (m) => ([...s.oldGarbage, ...s.newGarbage, ...s.referenced].some((g) => g.endsWith(m)) ? '/data/<added>' : m)));
    const killedAfter = relative(await casBlobs(killed.client, killed.root), killed).sort();
    const cleanAfter = relative(await casBlobs(clean.client, clean.root), clean).sort();
    expect(killedAfter).toEqual(cleanAfter);
    expect(await readAllReferenced(killed.client, killed.root)).toBeGreaterThan(0);
    journal.close();
    other.journal.close();
  });
});
