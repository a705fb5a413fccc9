import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createServices, type Services } from '../../electron/services.js';
import { MetadataServiceClient } from '../../electron/metaflow/service/service-client.js';
import { contract, type ArgsOf, type Channel, type ResultOf, type RunSummary } from '../../shared/contract.js';
import type { StratusErrorShape } from '../../shared/errors.js';
import { loadMetaflowFixture, type LoadedFixture } from '../harness/metaflow-fixture.js';
import { SERVICE_FIXTURE_DIR, serviceUnavailable, startMetaflowService, type MetaflowService } from '../harness/metaflow-service.js';
import { repoRoot } from '../harness/repo.js';
import { recordedRuns, type RecordedRun } from '../harness/service-recording.js';

// The real Metaflow metadata service, restored from the fixture's dump, with the fixture's container in Azurite:
// every run through the router the UI calls, checked against what the service answered when rest/ was recorded
// (users, tags after the edits), what the datastore says (status), and the blobs (artifacts, logs).

const connectionString = inject('connectionString');
const endpoint = inject('endpoint');
const unavailable = serviceUnavailable();
if (unavailable !== undefined) console.warn(`Skipping the metadata service tests: ${unavailable}`);

/** The service's default RUN_INACTIVE_CUTOFF_TIME, in ms. */
const CUTOFF_MS = 360_000;

describe.skipIf(unavailable !== undefined)('Metaflow metadata service (real service from the fixture dump)', () => {
  let service: MetaflowService;
  let fixture: LoadedFixture;
  let services: Services;
  let userDataDir: string;
  let withService: string;
  let datastoreOnly: string;
  let recordedByFlow: Map<string, RecordedRun[]>;

  async function call<C extends Channel>(channel: C, args: ArgsOf<C>): Promise<ResultOf<C>> {
    const reply = await services.router.dispatch(channel, args);
    if (!reply.ok) throw new Error(`${channel} ${JSON.stringify(args)} failed: ${reply.error.code} ${reply.error.message}`);
    return contract[channel].result.parse(reply.value) as ResultOf<C>;
  }

  async function fail<C extends Channel>(channel: C, args: ArgsOf<C>): Promise<StratusErrorShape> {
    const reply = await services.router.dispatch(channel, args);
    if (reply.ok) throw new Error(`${channel} succeeded: ${JSON.stringify(reply.value).slice(0, 300)}`);
    return reply.error;
  }

  const allRuns = (workspaceId: string, flow: string) => call('metaflow.runs', { workspaceId, flow, query: { allNamespaces: true, limit: 500 } });
  /** The service's own page: a list the index can paint is answered from it first, the service's page once read. */
  async function fromService(args: ArgsOf<'metaflow.runs'>): Promise<ResultOf<'metaflow.runs'>> {
    let list = await call('metaflow.runs', args);
    await expect.poll(async () => (list = await call('metaflow.runs', args)).fromIndex, { timeout: 60_000 }).toBe(false);
    return list;
  }

  beforeAll(async () => {
    [service, fixture, recordedByFlow] = await Promise.all([
      startMetaflowService(),
      loadMetaflowFixture(connectionString, { dir: SERVICE_FIXTURE_DIR }),
      recordedRuns(),
    ]);
    userDataDir = await mkdtemp(path.join(tmpdir(), 'stratus-mfsvc-'));
    // Running as alice, as the fixture's tag edits were made: her namespace is the default.
    services = createServices({ env: { AZURE_STORAGE_CONNECTION_STRING: connectionString, METAFLOW_USER: 'alice' }, userDataDir, localIndex: true });
    const open = { sysroot: fixture.sysroot, endpoint, credential: { kind: 'environment' as const }, cardRoot: fixture.cardRoot };
    withService = (await call('workspace.open', { ...open, metadataService: { url: service.url } })).id;
    datastoreOnly = (await call('workspace.open', open)).id;
  }, 120_000);

  afterAll(async () => {
    await services?.close();
    await service?.stop();
    if (userDataDir !== undefined) await rm(userDataDir, { recursive: true, force: true });
  });

  it('shows every run with the user, tags and system tags the service holds (after the tag edits)', async () => {
    expect(recordedByFlow.size).toBeGreaterThan(0);
    for (const [flow, recorded] of recordedByFlow) {
      const list = await allRuns(withService, flow);
      expect(list.metadata, flow).toBe('service');
      expect(list.namespace, flow).toBeNull();
      expect(list.runs.map((r) => r.id).sort(), flow).toEqual(recorded.map((r) => String(r.run_number)).sort());
      for (const want of recorded) {
        const got = list.runs.find((r) => r.id === String(want.run_number));
        const what = `${flow}/${want.run_number}`;
        expect(got?.user, what).toBe(want.user);
        expect(got?.tags, what).toEqual([...want.tags].sort());
        expect(got?.systemTags, what).toEqual([...want.system_tags].sort());
        expect(got?.startedAt, what).toBe(want.ts_epoch);
        expect(got?.lastHeartbeatAt, what).toBe(want.last_heartbeat_ts === null ? null : want.last_heartbeat_ts * 1000);
      }
    }
  });

  it('gives each run the datastore\'s outcome, and a run whose heartbeat stopped is stale, never running', async () => {
    let unfinished = 0;
    for (const flow of recordedByFlow.keys()) {
      const [fromService, fromDatastore] = await Promise.all([allRuns(withService, flow), call('metaflow.runs', { workspaceId: datastoreOnly, flow })]);
      for (const run of fromService.runs) {
        const what = `${flow}/${run.id}`;
        const datastore = fromDatastore.runs.find((r) => r.id === run.id);
        expect(datastore, what).toBeDefined();
        if (datastore?.status === 'succeeded' || datastore?.status === 'failed') {
          expect(run.status, what).toBe(datastore.status);
          expect(run.finishedAt, what).not.toBeNull();
          expect(run.finishedAt ?? 0, what).toBeGreaterThanOrEqual(run.startedAt ?? Infinity);
          expect(run.durationMs, what).toBe((run.finishedAt ?? 0) - (run.startedAt ?? 0));
        } else {
          // The datastore cannot tell a killed run from a running one; the heartbeat can.
          unfinished++;
          const quiet = Date.now() - (run.lastHeartbeatAt ?? 0) > CUTOFF_MS;
          expect(run.status, what).toBe(quiet ? 'stale' : 'running');
          expect(run.finishedAt, what).toBeNull();
        }
      }
    }
    expect(unfinished).toBeGreaterThan(0);
  });

  it('opens in the user\'s namespace, and lists all users\' runs when asked', async () => {
    for (const [flow, recorded] of recordedByFlow) {
      const mine = await call('metaflow.runs', { workspaceId: withService, flow });
      expect(mine.namespace, flow).toBe('user:alice');
      expect(mine.runs.map((r) => r.id).sort(), flow).toEqual(recorded.filter((r) => r.system_tags.includes('user:alice')).map((r) => String(r.run_number)).sort());
      const bob = await call('metaflow.runs', { workspaceId: withService, flow, query: { allNamespaces: true, user: 'bob' } });
      expect(bob.runs.map((r) => r.id).sort(), flow).toEqual(recorded.filter((r) => r.user === 'bob').map((r) => String(r.run_number)).sort());
    }
  });

  it('filters by tag and by status on the service, and pages with its cursor', async () => {
    const tagged = [...recordedByFlow.values()].flat().filter((r) => r.tags.length > 0);
    const { flow_id: flow, tags } = tagged[0];
    const byTag = await call('metaflow.runs', { workspaceId: withService, flow, query: { allNamespaces: true, tags: [tags[0]] } });
    const expected = (recordedByFlow.get(flow) ?? []).filter((r) => r.tags.includes(tags[0]) || r.system_tags.includes(tags[0]));
    expect(byTag.runs.map((r) => r.id).sort()).toEqual(expected.map((r) => String(r.run_number)).sort());

    for (const flow of recordedByFlow.keys()) {
      const all = await allRuns(withService, flow);
      for (const status of ['succeeded', 'failed', 'stale'] as const) {
        const filtered = await call('metaflow.runs', { workspaceId: withService, flow, query: { allNamespaces: true, status } });
        expect(filtered.runs.map((r) => r.id).sort(), `${flow} ${status}`).toEqual(all.runs.filter((r) => r.status === status).map((r) => r.id).sort());
      }
      const paged: string[] = [];
      let cursor: string | undefined;
      do {
        const page: ResultOf<'metaflow.runs'> = await fromService({ workspaceId: withService, flow, query: { allNamespaces: true, limit: 1, ...(cursor ? { cursor } : {}) } });
        expect(page.runs.length).toBeLessThanOrEqual(1);
        paged.push(...page.runs.map((r) => r.id));
        cursor = page.next;
      } while (cursor !== undefined);
      expect(paged.sort(), flow).toEqual(all.runs.map((r) => r.id).sort());
    }
  });

  it('decodes every artifact the service records, from the datastore, and shows each task\'s logs', async () => {
    const client = new MetadataServiceClient(service.url);
    const logBlobs = new Set(fixture.manifest.blobs.filter((b) => /_std(out|err)\.log$/.test(b.name) && b.size > 0).map((b) => path.posix.dirname(b.name)));
    let decoded = 0;
    const seen = new Set<string>();
    for (const [flow, recorded] of recordedByFlow) {
      for (const run of recorded) {
        const id = String(run.run_number);
        const view = await call('metaflow.run', { workspaceId: withService, flow, run: id });
        expect(view.summary.user, `${flow}/${id}`).toBe(run.user);
        const artifacts = await client.runArtifacts(flow, id);
        expect(artifacts.length, `${flow}/${id}`).toBeGreaterThan(0);
        // Every record resolves to its blob; each distinct value (content-addressed) is decoded once per flow.
        const blobNames = new Set(fixture.manifest.blobs.map((b) => b.name));
        const datastore = fixture.sysroot.slice(fixture.container.length + 1);
        for (const a of artifacts) expect(blobNames.has(`${datastore}/${flow}/data/${a.sha.slice(0, 2)}/${a.sha}`), `${flow}/${id} ${a.name}`).toBe(true);
        const fresh = artifacts.filter((a) => !seen.has(`${flow}/${a.sha}`));
        for (const a of fresh) seen.add(`${flow}/${a.sha}`);
        await Promise.all(
          fresh.map(async (artifact) => {
            const what = `${flow}/${id}/${artifact.step_name}/${artifact.task_id}/${artifact.attempt_id}/${artifact.name}`;
            expect(artifact.location, what).toBe(`:root:${fixture.sysroot}`);
            const ref = { workspaceId: withService, flow, run: id, step: artifact.step_name, task: artifact.task_id, attempt: artifact.attempt_id };
            const preview = await call('metaflow.artifact', { ...ref, name: artifact.name });
            expect(preview.blob, what).toContain(artifact.sha);
            expect(JSON.stringify(preview.value), what).not.toContain('"unavailable"');
            decoded++;
          }),
        );
        for (const task of view.tasks) {
          const folder = `${fixture.sysroot.slice(fixture.container.length + 1)}/${flow}/${id}/${task.step}/${task.id}`;
          if (![...logBlobs].some((dir) => dir === folder)) continue;
          const [stdout, stderr] = await Promise.all(
            (['stdout', 'stderr'] as const).map((stream) => call('metaflow.logs', { workspaceId: withService, flow, run: id, step: task.step, task: task.id, stream })),
          );
          expect(stdout.lines.length + stderr.lines.length, `${flow}/${id}/${task.step}/${task.id}`).toBeGreaterThan(0);
        }
      }
    }
    expect(decoded).toBeGreaterThan(0);
  }, 300_000);

  it('adds a tag the service then holds (read back through its REST API) and removes it again', async () => {
    const [flow, [run]] = [...recordedByFlow.entries()][0];
    const id = String(run.run_number);
    const tag = `stratus-test-${process.pid}`;
    const readBack = async () => ((await (await fetch(`${service.url}flows/${flow}/runs/${id}`)).json()) as RecordedRun).tags;

    const added: RunSummary = await call('metaflow.tags', { workspaceId: withService, flow, run: id, add: [tag], remove: [] });
    expect(added.tags).toContain(tag);
    expect(await readBack()).toContain(tag);
    const listed = await call('metaflow.runs', { workspaceId: withService, flow, query: { allNamespaces: true, tags: [tag] } });
    expect(listed.runs.map((r) => r.id)).toEqual([id]);

    const removed = await call('metaflow.tags', { workspaceId: withService, flow, run: id, add: [], remove: [tag] });
    expect(removed.tags).not.toContain(tag);
    expect((await readBack()).sort()).toEqual([...run.tags].sort());
  });

  it('shows the service\'s reason when it refuses to remove a system tag', async () => {
    const [flow, [run]] = [...recordedByFlow.entries()][0];
    const system = run.system_tags.find((t) => t.startsWith('user:')) ?? run.system_tags[0];
    const error = await fail('metaflow.tags', { workspaceId: withService, flow, run: String(run.run_number), add: [], remove: [system] });
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('Cannot remove tags that are existing system tags');
    expect(error.message).toContain(system);
  });

  it('lists runs and edits tags from the command line (the built CLI) with --service', async () => {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, AZURE_STORAGE_CONNECTION_STRING: connectionString, STRATUS_USER_DATA: userDataDir, METAFLOW_USER: 'bob' };
    const stratus = async (...args: string[]) =>
      (await promisify(execFile)(process.execPath, ['bin/stratus.js', 'metaflow', ...args, '--endpoint', endpoint, '--sysroot', fixture.sysroot, '--service', service.url], { cwd: repoRoot, env })).stdout;
    const [flow, recordedRunsOfFlow] = [...recordedByFlow.entries()][0];
    const all = JSON.parse(await stratus('runs', `${fixture.sysroot}/${flow}`, '--namespace', 'all', '--json')) as RunSummary[];
    expect(all.map((r) => [r.id, r.user]).sort()).toEqual(recordedRunsOfFlow.map((r) => [String(r.run_number), r.user]).sort());
    const bobs = JSON.parse(await stratus('runs', `${fixture.sysroot}/${flow}`, '--json')) as RunSummary[];
    expect(bobs.map((r) => r.id).sort()).toEqual(recordedRunsOfFlow.filter((r) => r.user === 'bob').map((r) => String(r.run_number)).sort());

    const run = recordedRunsOfFlow[0];
    const target = `${fixture.sysroot}/${flow}/${run.run_number}`;
    const readBack = async () => ((await (await fetch(`${service.url}flows/${flow}/runs/${run.run_number}`)).json()) as RecordedRun).tags;
    const first = `cli-${process.pid}`;
    const second = `cli-replaced-${process.pid}`;
    expect(await stratus('tag', 'add', target, first)).toContain(first);
    expect(await readBack()).toContain(first);
    await stratus('tag', 'replace', target, first, second);
    expect(await readBack()).toEqual(expect.arrayContaining([second]));
    expect(await readBack()).not.toContain(first);
    await stratus('tag', 'remove', target, second);
    expect((await readBack()).sort()).toEqual([...run.tags].sort());
  }, 120_000);

  describe('behind a gateway that checks an API key', () => {
    const GOOD_KEY = 'good-key-4f1c9a';
    let gateway: http.Server;
    let gatewayUrl: string;
    const seenKeys: (string | undefined)[] = [];

    beforeAll(async () => {
      // An API gateway as teams put in front of the service: it forwards requests with the right x-api-key and
      // refuses the rest with its own reason, as AWS API Gateway does.
      gateway = http.createServer((req, res) => {
        const key = req.headers['x-api-key'];
        seenKeys.push(typeof key === 'string' ? key : undefined);
        if (key !== GOOD_KEY) {
          res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Forbidden: the API key is not valid for this service' }));
          return;
        }
        const upstream = http.request(`${service.url.replace(/\/$/, '')}${req.url ?? '/'}`, { method: req.method, headers: { ...req.headers, host: `127.0.0.1:${service.port}` } }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        req.pipe(upstream);
      });
      await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
      const address = gateway.address();
      gatewayUrl = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/`;
    });

    afterAll(() => new Promise<void>((resolve) => gateway.close(() => resolve())));

    it('sends the auth key, and shows the gateway\'s reason (never the key) when it is refused', async () => {
      const [flow, [run]] = [...recordedByFlow.entries()][0];
      const open = { sysroot: fixture.sysroot, endpoint, credential: { kind: 'environment' as const } };
      const good = await call('workspace.open', { ...open, metadataService: { url: gatewayUrl, secrets: { authKey: GOOD_KEY } } });
      expect(good.metadataServiceUrl).toBe(gatewayUrl.replace(/\/$/, ''));
      expect((await allRuns(good.id, flow)).runs.length).toBe(recordedByFlow.get(flow)?.length);

      const bad = await call('workspace.open', { ...open, metadataService: { url: gatewayUrl, secrets: { authKey: 'wrong-key-0000' } } });
      const error = await fail('metaflow.tags', { workspaceId: bad.id, flow, run: String(run.run_number), add: ['never-added'], remove: [] });
      expect(error.code).toBe('FORBIDDEN');
      expect(error.message).toContain('the API key is not valid for this service');
      expect(JSON.stringify(error)).not.toContain('wrong-key-0000');
      expect(((await (await fetch(`${service.url}flows/${flow}/runs/${run.run_number}`)).json()) as RecordedRun).tags).not.toContain('never-added');
    });

    it('sends the environment\'s auth key only to the service METAFLOW_SERVICE_URL names', async () => {
      const flow = [...recordedByFlow.keys()][0];
      const envServices = createServices({
        env: { AZURE_STORAGE_CONNECTION_STRING: connectionString, METAFLOW_SERVICE_URL: 'https://metaflow.example.invalid/', METAFLOW_SERVICE_AUTH_KEY: GOOD_KEY },
        userDataDir,
      });
      try {
        const reply = await envServices.router.dispatch('workspace.open', { sysroot: fixture.sysroot, endpoint, credential: { kind: 'environment' }, metadataService: { url: gatewayUrl } });
        if (!reply.ok) throw new Error(reply.error.message);
        const { id } = contract['workspace.open'].result.parse(reply.value);
        seenKeys.length = 0;
        const listed = await envServices.router.dispatch('metaflow.runs', { workspaceId: id, flow });
        expect(listed.ok).toBe(false);
        expect(seenKeys.length).toBeGreaterThan(0);
        expect(seenKeys.every((k) => k === undefined)).toBe(true);
      } finally {
        await envServices.close();
      }
    });
  });
  // Last: it stops the service.
  it('serves the runs from the local index, marked as cached, when the service stops answering', async () => {
    const flow = [...recordedByFlow.keys()][0];
    const online = await fromService({ workspaceId: withService, flow, query: { allNamespaces: true, limit: 500 } });
    const after = Date.now();
    await service.stop();
    // Reopened: the index paints the list at once, with the time the service last answered it.
    const { id: reopened } = await call('workspace.open', { sysroot: fixture.sysroot, endpoint, credential: { kind: 'environment' }, metadataService: { url: service.url } });
    const offline = await allRuns(reopened, flow);
    expect(offline.fromIndex).toBe(true);
    // The service's last answer: the page just listed, or one within the moments before it that it stood for.
    expect(offline.cachedAt).toBeGreaterThan(after - 60_000);
    expect(offline.cachedAt).toBeLessThanOrEqual(after);
    expect(offline.runs.map((r) => [r.id, r.user, r.tags, r.status]).sort()).toEqual(online.runs.map((r) => [r.id, r.user, r.tags, r.status]).sort());
    const error = await fail('metaflow.tags', { workspaceId: reopened, flow, run: online.runs[0].id, add: ['offline'], remove: [] });
    expect(error.code).toBe('UNREACHABLE');
    expect(error.message).toContain('did not answer');
  });
});
