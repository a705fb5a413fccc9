import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { loadMetaflowFixture, type LoadedFixture } from '../harness/metaflow-fixture.js';
import { SERVICE_FIXTURE_DIR, serviceUnavailable, startMetaflowService, type MetaflowService } from '../harness/metaflow-service.js';
import { repoRoot } from '../harness/repo.js';
import { recordedRuns, type RecordedRun } from '../harness/service-recording.js';
import { e2eEnvironment } from './environment.js';
import { connectWithService, serviceHostEnv } from './service-host.js';
import { startWebHost, type WebHostProcess } from './web-host-process.js';
import { openEntry } from './workspace-ui.js';

// A team's runs through its Metaflow metadata service (the real one, from the fixture's dump), in the browser:
// the list opens in the user's namespace, switches to all users, filters by a tag, and a tag is edited on a run.
// The host is this spec's own, started as alice (METAFLOW_USER), with the fixture's container in the e2e Azurite.

const unavailable = serviceUnavailable();
test.skip(unavailable !== undefined, unavailable ?? '');

const env = e2eEnvironment();
const USER = 'alice';
let service: MetaflowService;
let host: WebHostProcess;
let fixture: LoadedFixture;
let userData: string;
let recorded: Map<string, RecordedRun[]>;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  userData = await mkdtemp(path.join(tmpdir(), 'stratus-e2e-mfsvc-'));
  [service, fixture, recorded] = await Promise.all([
    startMetaflowService(),
    loadMetaflowFixture(env.connectionString, { dir: SERVICE_FIXTURE_DIR }),
    recordedRuns(),
  ]);
  host = await startWebHost(repoRoot, serviceHostEnv(env, userData, USER));
});

test.afterAll(async () => {
  await host?.stop();
  await service?.stop();
  if (userData !== undefined) await rm(userData, { recursive: true, force: true });
});

const ids = (runs: RecordedRun[]) => runs.map((r) => String(r.run_number)).sort();

test('team runs: my namespace, all users, a tag filter, and a tag edited on the service', async ({ page }) => {
  test.setTimeout(120_000);
  // A flow with runs of more than one user, so each switch changes what is listed.
  const [flow, runs] = [...recorded.entries()].find(([, r]) => new Set(r.map((x) => x.user)).size > 1) ?? [];
  if (flow === undefined || runs === undefined) throw new Error('the fixture has no flow with runs of two users');
  const mine = runs.filter((r) => r.user === USER);
  const tagged = runs.find((r) => r.user !== USER && r.tags.length > 0);
  if (tagged === undefined) throw new Error(`${flow} has no tagged run of another user`);
  const tag = tagged.tags[0];

  await connectWithService(page, host.url, fixture.sysroot, service.url);
  await openEntry(page, flow);

  const rowIds = page.getByTestId('run-id');
  await expect(page.getByTestId('namespace-listed')).toHaveText(`namespace user:${USER}`);
  await expect(rowIds).toHaveText(ids(mine).sort((a, b) => Number(b) - Number(a)));

  await page.getByLabel('Namespace').selectOption('all');
  await expect(page.getByTestId('namespace-listed')).toHaveText('all namespaces');
  await expect(rowIds).toHaveCount(runs.length);
  expect((await rowIds.allTextContents()).sort()).toEqual(ids(runs));

  await page.getByLabel('Tag').selectOption(tag);
  const withTag = runs.filter((r) => r.tags.includes(tag) || r.system_tags.includes(tag));
  await expect(rowIds).toHaveCount(withTag.length);
  expect((await rowIds.allTextContents()).sort()).toEqual(ids(withTag));

  // Edit a tag on that run: it shows at once, and the service holds it (read back as Metaflow's client would).
  await page.getByTestId('run-id').filter({ hasText: String(tagged.run_number) }).first().click();
  const editor = page.getByTestId('run-tags');
  const added = `e2e-${Date.now()}`;
  await editor.getByLabel('New tag').fill(added);
  await editor.getByRole('button', { name: 'Add tag' }).click();
  await expect(editor.getByTestId('user-tag').filter({ hasText: added })).toHaveCount(1);
  const readBack = async () => ((await (await fetch(`${service.url}flows/${flow}/runs/${tagged.run_number}`)).json()) as RecordedRun).tags;
  await expect.poll(readBack).toContain(added);
  await editor.getByRole('button', { name: `Remove tag ${added}` }).click();
  await expect(editor.getByTestId('user-tag').filter({ hasText: added })).toHaveCount(0);
  await expect.poll(readBack).not.toContain(added);
  await expect(page.getByTestId('run-heartbeat')).not.toHaveText('none');
});
