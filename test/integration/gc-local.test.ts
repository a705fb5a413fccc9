import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GcService } from '../../electron/gc/gc-service.js';
import { gcWorkspace } from '../../electron/gc/gc-workspace.js';
import { GcJournal } from '../../electron/gc/journal.js';
import { createServices } from '../../electron/services.js';
import { generateDatastore } from '../../electron/sample/metaflow-datastore.js';

// Metaflow gc on a local datastore folder: here blobs can be aged for real (utimes), so the plan
// runs on the real clock and the folder's mtime+size stands in for the etag.

const FLOW = 'LocalFlow';
let folder: string;

async function casFiles(): Promise<string[]> {
  const data = path.join(folder, FLOW, 'data');
  const out: string[] = [];
  for (const dir of await readdir(data)) for (const file of await readdir(path.join(data, dir))) out.push(`${FLOW}/data/${dir}/${file}`);
  return out.sort();
}

async function putGarbage(ageDays: number): Promise<string> {
  const sha = randomBytes(20).toString('hex');
  const name = `${FLOW}/data/${sha.slice(0, 2)}/${sha}`;
  await mkdir(path.join(folder, path.dirname(name)), { recursive: true });
  await writeFile(path.join(folder, name), randomBytes(40));
  const when = new Date(Date.now() - ageDays * 86_400_000);
  await utimes(path.join(folder, name), when, when);
  return name;
}

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'stratus-gc-local-'));
  await generateDatastore({ folder }, { flow: FLOW, runs: 4 });
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('Metaflow gc on a local datastore folder', () => {
  it('deletes old unreferenced files only, and a rerun of the finished plan changes nothing', async () => {
    const referenced = await casFiles();
    const old = [await putGarbage(30), await putGarbage(10)];
    const young = await putGarbage(2);
    const services = createServices({ env: {}, userDataDir: folder });
    const info = await services.workspaces.connect({ kind: 'local', path: folder });
    const ws = gcWorkspace(services.workspaces.get(info.id));
    const journal = GcJournal.open(path.join(folder, 'gc.db'));
    const gc = new GcService(journal, () => ws);

    const plan = await gc.plan({ workspaceId: info.id, target: 'metaflow' });
    expect(journal.entries(plan.planId).map((e) => e.name).sort()).toEqual([...old].sort());
    expect(plan.groups[0].recent).toBe(1);
    const report = await gc.execute(plan.planId, ws.name);
    expect(report.deleted).toBe(2);
    expect(await casFiles()).toEqual([...referenced, young].sort());
    await Promise.all(referenced.map((n) => readFile(path.join(folder, n))));

    const again = await gc.execute(plan.planId, ws.name);
    expect(again.deleted).toBe(2);
    expect(again.failed).toBe(0);
    journal.close();
  });

  it('plans nothing in a flow with an index it cannot read, since what that task names is unknown', async () => {
    await putGarbage(30);
    const task = path.join(folder, FLOW, '1900000000000000', 'start', '1');
    await mkdir(task, { recursive: true });
    await writeFile(path.join(task, '0.data.json'), '{"objects": {"x": ');
    const services = createServices({ env: {}, userDataDir: folder });
    const info = await services.workspaces.connect({ kind: 'local', path: folder });
    const journal = GcJournal.open(':memory:');
    const gc = new GcService(journal, () => gcWorkspace(services.workspaces.get(info.id)));
    const plan = await gc.plan({ workspaceId: info.id, target: 'metaflow' });
    expect(plan.candidates).toBe(0);
    expect(plan.groups[0].blocked).toMatch(/0\.data\.json/);
    expect(plan.notes[0]).toMatch(/nothing planned/);
    journal.close();
  });
});
