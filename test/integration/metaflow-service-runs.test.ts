import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createServices, type Services } from '../../electron/services.js';
import { contract, type ArgsOf, type Channel, type ResultOf } from '../../shared/contract.js';
import { loadMetaflowFixture, type LoadedFixture } from '../harness/metaflow-fixture.js';
import { SERVICE_FIXTURE_DIR, serviceUnavailable, startMetaflowService, type MetaflowService } from '../harness/metaflow-service.js';
import { repoRoot } from '../harness/repo.js';
import { recordedRuns, type RecordedRun } from '../harness/service-recording.js';

// The runs list of a workspace with the real metadata service (restored from the fixture's dump): the start-time
// filter the service runs, and the list cached in the local index for an instant reopen that also works offline.

const connectionString = inject('connectionString');
const endpoint = inject('endpoint');
const unavailable = serviceUnavailable();
if (unavailable !== undefined) console.warn(`Skipping the metadata service runs tests: ${unavailable}`);

describe.skipIf(unavailable !== undefined)('runs list from the metadata service', () => {
  let service: MetaflowService;
  let fixture: LoadedFixture;
  let services: Services;
  let userDataDir: string;
  let workspaceId: string;
  let recordedByFlow: Map<string, RecordedRun[]>;

  async function call<C extends Channel>(channel: C, args: ArgsOf<C>, on = services): Promise<ResultOf<C>> {
    const reply = await on.router.dispatch(channel, args);
    if (!reply.ok) throw new Error(`${channel} ${JSON.stringify(args)} failed: ${reply.error.code} ${reply.error.message}`);
    return contract[channel].result.parse(reply.value) as ResultOf<C>;
  }

  const ids = (runs: { id: string }[]) => runs.map((r) => r.id).sort();
  const recordedIds = (runs: RecordedRun[]) => runs.map((r) => String(r.run_number)).sort();

  beforeAll(async () => {
    [service, fixture, recordedByFlow] = await Promise.all([startMetaflowService(), loadMetaflowFixture(connectionString, { dir: SERVICE_FIXTURE_DIR }), recordedRuns()]);
    userDataDir = await mkdtemp(path.join(tmpdir(), 'stratus-mfsvc-runs-'));
    services = createServices({ env: { AZURE_STORAGE_CONNECTION_STRING: connectionString, METAFLOW_USER: 'alice' }, userDataDir, localIndex: true });
    workspaceId = (await call('workspace.open', { sysroot: fixture.sysroot, endpoint, credential: { kind: 'environment' }, metadataService: { url: service.url } })).id;
  }, 120_000);

  afterAll(async () => {
    await services?.close();
    await service?.stop();
    if (userDataDir !== undefined) await rm(userDataDir, { recursive: true, force: true });
  });

  it('filters by start time on the service: since is inclusive, until exclusive', async () => {
    const [flow, runs] = [...recordedByFlow.entries()].sort((a, b) => b[1].length - a[1].length)[0];
    expect(runs.length).toBeGreaterThan(1);
    const starts = runs.map((r) => r.ts_epoch).sort((a, b) => a - b);
    const cut = starts[starts.length - 1];
    const query = (q: { since?: number; until?: number }) => call('metaflow.runs', { workspaceId, flow, query: { allNamespaces: true, ...q } });

    expect(ids((await query({ since: cut })).runs)).toEqual(recordedIds(runs.filter((r) => r.ts_epoch >= cut)));
    expect(ids((await query({ until: cut })).runs)).toEqual(recordedIds(runs.filter((r) => r.ts_epoch < cut)));
    expect(ids((await query({ since: starts[0], until: cut + 1 })).runs)).toEqual(recordedIds(runs));
    expect((await query({ since: cut + 1 })).runs).toEqual([]);
  });

  it('filters by start time from the command line (the built CLI): --since and --until', async () => {
    const [flow, runs] = [...recordedByFlow.entries()].sort((a, b) => b[1].length - a[1].length)[0];
    const cut = Math.max(...runs.map((r) => r.ts_epoch));
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, AZURE_STORAGE_CONNECTION_STRING: connectionString, STRATUS_USER_DATA: userDataDir };
    const listed = async (...args: string[]) => {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['bin/stratus.js', 'metaflow', 'runs', `${fixture.sysroot}/${flow}`, '--namespace', 'all', '--json', '--endpoint', endpoint, '--sysroot', fixture.sysroot, '--service', service.url, ...args],
        { cwd: repoRoot, env },
      );
      return ids(JSON.parse(stdout) as { id: string }[]);
    };
    expect(await listed('--since', new Date(cut).toISOString())).toEqual(recordedIds(runs.filter((r) => r.ts_epoch >= cut)));
    expect(await listed('--until', new Date(cut).toISOString())).toEqual(recordedIds(runs.filter((r) => r.ts_epoch < cut)));
  }, 120_000);

  // Last: it stops and restarts the service.
  it('reopens at once from the local index after a restart, with the refresh time, offline and when the service is back', async () => {
    const [flow] = [...recordedByFlow.entries()].sort((a, b) => b[1].length - a[1].length)[0];
    const query = { allNamespaces: true };
    const rows = (list: ResultOf<'metaflow.runs'>) => list.runs.map((r) => [r.id, r.user, r.tags, r.systemTags, r.status, r.startedAt]).sort();
    const refreshed: string[] = [];
    const follow = (on: Services) =>
      on.events.subscribe((event, payload) => {
        if (event === 'metaflow.runsChanged') refreshed.push((payload as { flow: string }).flow);
      });
    /** Lists once (cached rows at once, the refresh behind), waits for the refresh to say it ended, lists again. */
    const listAndRefresh = async (id: string) => {
      const seen = refreshed.length;
      const first = await call('metaflow.runs', { workspaceId: id, flow, query });
      if (first.fromIndex) await expect.poll(() => refreshed.length > seen, { timeout: 60_000 }).toBe(true);
      return { first, second: await call('metaflow.runs', { workspaceId: id, flow, query }) };
    };
    follow(services);
    const before = Date.now();
    // The earlier test's lists are in the index already: this one paints from it, then reads the service's page.
    const online = (await listAndRefresh(workspaceId)).second;
    const after = Date.now();
    expect(online.fromIndex).toBe(false);
    expect(online.runs.length).toBeGreaterThan(0);

    // The app is closed, the service goes down, the app starts again on the same user data.
    await service.stop();
    await services.close();
    services = createServices({ env: { AZURE_STORAGE_CONNECTION_STRING: connectionString, METAFLOW_USER: 'alice' }, userDataDir, localIndex: true });
    follow(services);
    const reopen = async () => (await call('workspace.open', { sysroot: fixture.sysroot, endpoint, credential: { kind: 'environment' }, metadataService: { url: service.url } })).id;

    const offline = await listAndRefresh(await reopen());
    for (const list of [offline.first, offline.second]) {
      expect(list.fromIndex).toBe(true);
      expect(rows(list)).toEqual(rows(online));
      expect(list.cachedAt).toBeGreaterThanOrEqual(before);
      expect(list.cachedAt).toBeLessThanOrEqual(after);
    }
    expect(offline.first.unreachable).toBeUndefined();
    expect(offline.second.unreachable).toContain('did not answer');

    service = await startMetaflowService({ port: service.port });
    const back = await listAndRefresh(await reopen());
    expect(back.first.fromIndex).toBe(true);
    expect(back.second.fromIndex).toBe(false);
    expect(back.second.unreachable).toBeUndefined();
    expect(rows(back.second)).toEqual(rows(online));
  }, 180_000);
});
