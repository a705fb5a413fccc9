import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createServices, type Services } from '../../electron/services.js';
import { ArtifactReader } from '../../electron/metaflow/artifacts.js';
import { openService } from '../../electron/metaflow/service/open-service.js';
import { ServiceRunReader } from '../../electron/metaflow/service/service-run-reader.js';
import type { ObjectStore } from '../../electron/storage/object-store.js';
import { contract, type ArgsOf, type Channel, type ResultOf, type RunDetail } from '../../shared/contract.js';
import type { StratusErrorShape } from '../../shared/errors.js';
import { loadMetaflowFixture, type LoadedFixture } from '../harness/metaflow-fixture.js';
import { SERVICE_FIXTURE_DIR, serviceUnavailable, startMetaflowService, type MetaflowService } from '../harness/metaflow-service.js';

// Run, step and task views of a workspace with the real Metaflow metadata service (restored from the fixture's
// dump) and the fixture's container in Azurite. Every run the service holds is compared with what the datastore
// alone says of it (a second workspace without the service): the same steps, tasks, attempts and outcomes, the
// same artifacts and logs, read at the places the service's records give.

const connectionString = inject('connectionString');
const endpoint = inject('endpoint');
const unavailable = serviceUnavailable();
if (unavailable !== undefined) console.warn(`Skipping the metadata service detail tests: ${unavailable}`);

/** The service's default RUN_INACTIVE_CUTOFF_TIME, in ms. */
const CUTOFF_MS = 360_000;

interface ServiceRun {
  flow_id: string;
  run_number: number;
}

/** A gateway in front of the service that counts requests and those in flight, and may rewrite answers. */
class CountingGateway {
  readonly paths: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  delayMs = 0;
  rewrite?: (urlPath: string, body: string) => string;
  private server?: http.Server;
  url = '';

  constructor(private readonly upstream: MetaflowService) {}

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      this.paths.push(req.url ?? '/');
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      const headers = { ...req.headers, host: `127.0.0.1:${this.upstream.port}` };
      delete headers['accept-encoding'];
      const upstream = http.request(`${this.upstream.url.replace(/\/$/, '')}${req.url ?? '/'}`, { method: req.method, headers }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const out = this.rewrite ? this.rewrite((req.url ?? '/').split('?')[0], body) : body;
          const replyHeaders = { ...answer.headers };
          delete replyHeaders['content-length'];
          setTimeout(() => {
            this.inFlight--;
            res.writeHead(answer.statusCode ?? 502, replyHeaders).end(out);
          }, this.delayMs);
        });
      });
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/`;
  }

  reset(): void {
    this.paths.length = 0;
    this.maxInFlight = 0;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

describe.skipIf(unavailable !== undefined)('Metaflow run views from the metadata service (real service + Azurite)', () => {
  let service: MetaflowService;
  let fixture: LoadedFixture;
  let services: Services;
  let userDataDir: string;
  let withService: string;
  let datastoreOnly: string;
  let runs: ServiceRun[];

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

  const rest = async <T,>(urlPath: string): Promise<T> => (await (await fetch(`${service.url}${urlPath.replace(/^\//, '')}`)).json()) as T;

  async function details(flow: string, run: string): Promise<{ svc: RunDetail; ds: RunDetail }> {
    const [svc, ds] = await Promise.all([call('metaflow.run', { workspaceId: withService, flow, run }), call('metaflow.run', { workspaceId: datastoreOnly, flow, run })]);
    return { svc, ds };
  }

  beforeAll(async () => {
    [service, fixture] = await Promise.all([startMetaflowService(), loadMetaflowFixture(connectionString, { dir: SERVICE_FIXTURE_DIR })]);
    userDataDir = await mkdtemp(path.join(tmpdir(), 'stratus-mfsvc-detail-'));
    services = createServices({ env: { AZURE_STORAGE_CONNECTION_STRING: connectionString, METAFLOW_USER: 'alice' }, userDataDir, localIndex: true });
    const open = { sysroot: fixture.sysroot, endpoint, credential: { kind: 'environment' as const }, cardRoot: fixture.cardRoot };
    withService = (await call('workspace.open', { ...open, metadataService: { url: service.url } })).id;
    datastoreOnly = (await call('workspace.open', open)).id;
    const flows = await rest<{ flow_id: string }[]>('/flows');
    runs = (await Promise.all(flows.map((f) => rest<ServiceRun[]>(`/flows/${f.flow_id}/runs`)))).flat();
  }, 120_000);

  afterAll(async () => {
    await services?.close();
    await service?.stop();
    if (userDataDir !== undefined) await rm(userDataDir, { recursive: true, force: true });
  });

  it('gives every run the steps, tasks, attempts and outcomes the datastore holds, with the service\'s user', async () => {
    expect(runs.length).toBeGreaterThan(0);
    let retried = 0;
    let failedTasks = 0;
    let foreachSteps = 0;
    let staleTasks = 0;
    for (const { flow_id: flow, run_number } of runs) {
      const run = String(run_number);
      const what = `${flow}/${run}`;
      const { svc, ds } = await details(flow, run);
      const serviceRun = await rest<{ user: string | null }>(`/flows/${flow}/runs/${run}`);
      expect(svc.summary.user, what).toBe(serviceRun.user);
      expect(svc.steps, what).toEqual(ds.steps);
      expect(svc.parameters, what).toEqual(ds.parameters);
      expect(svc.resumed !== null, what).toBe(ds.resumed !== null);
      expect(svc.tasks.map((t) => `${t.step}/${t.id}`), what).toEqual(ds.tasks.map((t) => `${t.step}/${t.id}`));
      if (ds.summary.status === 'failed') expect([svc.summary.failure?.step, svc.summary.failure?.task], what).toEqual([ds.summary.failure?.step, ds.summary.failure?.task]);
      foreachSteps += svc.steps.filter((s) => s.type === 'foreach' || s.taskCount > 1).length;
      for (const task of svc.tasks) {
        const at = `${what}/${task.step}/${task.id}`;
        const theirs = ds.tasks.find((t) => t.step === task.step && t.id === task.id);
        expect(task.attempts.map((a) => a.attempt), at).toEqual(theirs?.attempts.map((a) => a.attempt));
        expect(task.attempts.map((a) => a.status), at).toEqual(theirs?.attempts.map((a) => a.status));
        expect(task.attempts.map((a) => a.exception?.type ?? null), at).toEqual(theirs?.attempts.map((a) => a.exception?.type ?? null));
        expect(task.status, at).toBe(theirs?.status);
        expect(task.cloned, at).toBe(theirs?.cloned);
        for (const a of task.attempts) expect(a.startedAt, at).not.toBeNull();
        // The heartbeat is the service's own, and stale exactly when an unfinished task's is past the threshold.
        const wire = await rest<{ last_heartbeat_ts: number | null }>(`/flows/${flow}/runs/${run}/steps/${task.step}/tasks/${task.id}`);
        expect(task.lastHeartbeatAt, at).toBe(wire.last_heartbeat_ts === null ? null : wire.last_heartbeat_ts * 1000);
        const unfinished = task.status === 'running';
        expect(task.stale, at).toBe(unfinished && Date.now() - (task.lastHeartbeatAt ?? 0) > CUTOFF_MS);
        if (task.attempts.length > 1) retried++;
        if (task.status === 'failed') failedTasks++;
        if (task.stale) staleTasks++;
      }
    }
    // The fixture's retried task, failed runs, foreach and killed run are all among them.
    expect(retried).toBeGreaterThan(0);
    expect(failedTasks).toBeGreaterThan(0);
    expect(foreachSteps).toBeGreaterThan(0);
    expect(staleTasks).toBeGreaterThan(0);
  }, 300_000);

  it('lists each task\'s artifacts, decodes them and shows its logs through the service, as the datastore does', async () => {
    let decoded = 0;
    let logLines = 0;
    for (const { flow_id: flow, run_number } of runs) {
      const run = String(run_number);
      const { svc } = await details(flow, run);
      // The `_parameters` pseudo task opens like any task (its artifacts are the parameters).
      const [parameters] = await rest<{ task_id: number }[]>(`/flows/${flow}/runs/${run}/steps/_parameters/tasks`);
      const pseudo = { step: '_parameters', id: String(parameters.task_id), attempts: [{ attempt: 0 }], stale: false };
      for (const task of [...svc.tasks, pseudo]) {
        for (const { attempt } of task.attempts) {
          const ref = { flow, run, step: task.step, task: task.id, attempt };
          const at = `${flow}/${run}/${task.step}/${task.id}#${attempt}`;
          const [mine, theirs] = await Promise.all([call('metaflow.task', { workspaceId: withService, ...ref }), call('metaflow.task', { workspaceId: datastoreOnly, ...ref })]);
          expect(mine.attempt, at).toBe(theirs.attempt);
          expect(mine.task.status, at).toBe(theirs.task.status);
          expect(mine.artifacts.map((a) => [a.name, a.sha]), at).toEqual(theirs.artifacts.map((a) => [a.name, a.sha]));
          const sample = mine.artifacts.find((a) => !a.name.startsWith('_')) ?? mine.artifacts[0];
          if (sample) {
            const [a, b] = await Promise.all([
              call('metaflow.artifact', { workspaceId: withService, ...ref, name: sample.name }),
              call('metaflow.artifact', { workspaceId: datastoreOnly, ...ref, name: sample.name }),
            ]);
            expect(a.value, `${at} ${sample.name}`).toEqual(b.value);
            decoded++;
          }
          for (const stream of ['stdout', 'stderr'] as const) {
            const [a, b] = await Promise.all([
              call('metaflow.logs', { workspaceId: withService, ...ref, stream }),
              call('metaflow.logs', { workspaceId: datastoreOnly, ...ref, stream }),
            ]);
            expect(a.lines, `${at} ${stream}`).toEqual(b.lines);
            if (task.stale) expect(a.live, at).toBe(false);
            logLines += a.lines.length;
          }
        }
      }
    }
    expect(decoded).toBeGreaterThan(0);
    expect(logLines).toBeGreaterThan(0);
  }, 600_000);

  it('reads artifacts and logs at the places the service gives, without listing the datastore', async () => {
    const ws = services.workspaces.get(withService);
    const store = ws.datastore.store;
    const listed: string[] = [];
    // The workspace's own store, but every listing is recorded.
    const watched: ObjectStore = {
      ...store,
      description: store.description,
      read: (name) => store.read(name),
      readRange: (name, offset, length) => store.readRange(name, offset, length),
      listAll: (prefix) => (listed.push(prefix), store.listAll(prefix)),
      listHierarchy: (prefix) => (listed.push(prefix), store.listHierarchy(prefix)),
    } as ObjectStore;
    const reader = new ServiceRunReader(openService({ url: service.url }, {}), new ArtifactReader(watched, ws.datastore.root), watched, ws.datastore.root, {
      dsType: 'azure',
      roots: [fixture.sysroot],
    });
    const { flow_id: flow, run_number } = runs[0];
    const detail = await reader.detail(flow, String(run_number));
    const task = detail.tasks[0];
    const ref = { flow, run: String(run_number), step: task.step, task: task.id };
    const { artifacts } = await reader.task(ref);
    await reader.actions.preview(ref, artifacts[0].name, false);
    await reader.logs(ref, 'stdout');
    expect(detail.tasks.length).toBeGreaterThan(0);
    expect(listed).toEqual([]);
  });

  it('opens a run with O(steps) service requests, never one per task or artifact, and bounds those in flight', async () => {
    const gateway = new CountingGateway(service);
    await gateway.start();
    try {
      // The run with the most tasks.
      const sizes = await Promise.all(
        runs.map(async (r) => {
          const steps = await rest<{ step_name: string }[]>(`/flows/${r.flow_id}/runs/${r.run_number}/steps`);
          const artifacts = await rest<unknown[]>(`/flows/${r.flow_id}/runs/${r.run_number}/artifacts`);
          const tasks = (await Promise.all(steps.map((s) => rest<unknown[]>(`/flows/${r.flow_id}/runs/${r.run_number}/steps/${s.step_name}/tasks`)))).flat();
          return { run: r, steps: steps.length, tasks: tasks.length, artifacts: artifacts.length };
        }),
      );
      const biggest = sizes.sort((a, b) => b.tasks - a.tasks)[0];
      const ws = services.workspaces.get(withService);
      const concurrency = 2;
      const reader = new ServiceRunReader(
        openService({ url: gateway.url }, {}),
        new ArtifactReader(ws.datastore.store, ws.datastore.root),
        ws.datastore.store,
        ws.datastore.root,
        { dsType: 'azure', roots: [fixture.sysroot] },
        { concurrency },
      );
      gateway.delayMs = 30;
      const detail = await reader.detail(biggest.run.flow_id, String(biggest.run.run_number));
      expect(detail.tasks.length).toBe(biggest.tasks - 1); // less `_parameters`
      // The run, its metadata, artifacts and steps, one task list per step, and the service's own liveness check.
      expect(gateway.paths.length).toBeLessThanOrEqual(biggest.steps + 6);
      expect(gateway.paths.filter((p) => /\/tasks\/[^/]+\/(artifacts|metadata)/.test(p))).toEqual([]);
      expect(gateway.paths.length).toBeLessThan(biggest.artifacts);
      expect(gateway.maxInFlight).toBe(concurrency);
    } finally {
      await gateway.stop();
    }
  });

  it('judges an attempt that ended without attempt_ok by its _task_ok artifact, read only then', async () => {
    const gateway = new CountingGateway(service);
    await gateway.start();
    // A service whose clients recorded no attempt_ok (older Metaflow): only attempt-done says an attempt ended.
    gateway.rewrite = (urlPath, body) =>
      urlPath.endsWith('/metadata') ? JSON.stringify((JSON.parse(body) as { field_name: string }[]).filter((r) => r.field_name !== 'attempt_ok')) : body;
    try {
      const open = { sysroot: fixture.sysroot, endpoint, credential: { kind: 'environment' as const }, cardRoot: fixture.cardRoot };
      const older = (await call('workspace.open', { ...open, metadataService: { url: gateway.url } })).id;
      let judged = 0;
      for (const { flow_id: flow, run_number } of runs) {
        const run = String(run_number);
        const [mine, ds] = await Promise.all([call('metaflow.run', { workspaceId: older, flow, run }), call('metaflow.run', { workspaceId: datastoreOnly, flow, run })]);
        for (const task of mine.tasks) {
          const theirs = ds.tasks.find((t) => t.step === task.step && t.id === task.id);
          expect(task.attempts.map((a) => a.status), `${flow}/${run}/${task.step}/${task.id}`).toEqual(theirs?.attempts.map((a) => a.status));
          judged += task.attempts.filter((a) => a.status === 'succeeded' || a.status === 'failed').length;
        }
      }
      expect(judged).toBeGreaterThan(0);
    } finally {
      await gateway.stop();
    }
  }, 300_000);

  it('shows a run as the datastore holds it, and says so, when the service does not answer', async () => {
    const gone = new CountingGateway(service);
    await gone.start();
    await gone.stop();
    const open = { sysroot: fixture.sysroot, endpoint, credential: { kind: 'environment' as const }, cardRoot: fixture.cardRoot };
    const down = (await call('workspace.open', { ...open, metadataService: { url: gone.url } })).id;
    const { flow_id: flow, run_number } = runs[0];
    const run = String(run_number);
    const [view, ds] = await Promise.all([call('metaflow.run', { workspaceId: down, flow, run }), call('metaflow.run', { workspaceId: datastoreOnly, flow, run })]);
    expect(view.problems[0]).toContain('did not answer');
    expect(view.tasks).toEqual(ds.tasks);
    expect(view.steps).toEqual(ds.steps);
  });

  describe('behind a service whose artifact records point elsewhere (hostile server)', () => {
    let gateway: CountingGateway;
    let hostile: string;

    beforeAll(async () => {
      gateway = new CountingGateway(service);
      await gateway.start();
      // Every record of the first run's artifacts names another container, or a sibling prefix of the sysroot.
      const [container] = fixture.sysroot.split('/');
      gateway.rewrite = (urlPath, body) =>
        urlPath.includes('/artifacts')
          ? body
              .replaceAll(`":root:${fixture.sysroot}"`, urlPath.includes('/steps/') ? `":root:other-${container}/metaflow"` : `":root:${fixture.sysroot}-evil"`)
          : body;
      const open = { sysroot: fixture.sysroot, endpoint, credential: { kind: 'environment' as const }, cardRoot: fixture.cardRoot };
      hostile = (await call('workspace.open', { ...open, metadataService: { url: gateway.url } })).id;
    });

    afterAll(() => gateway.stop());

    it('refuses to read an artifact the service places outside the workspace\'s datastore, and says so', async () => {
      const { flow_id: flow, run_number } = runs[0];
      const run = String(run_number);
      const detail = await call('metaflow.run', { workspaceId: hostile, flow, run });
      // No DAG or parameter was read from the named places; each task says why.
      expect(detail.problems.join(' ')).toContain('outside this workspace\'s datastore');
      expect(detail.tasks.every((t) => t.problems.some((p) => p.includes(`${fixture.sysroot}-evil`)))).toBe(true);
      const task = detail.tasks[0];
      const ref = { workspaceId: hostile, flow, run, step: task.step, task: task.id };
      const view = await call('metaflow.task', ref);
      expect(view.artifacts).toEqual([]);
      expect(view.artifactProblem).toContain(`other-${fixture.sysroot.split('/')[0]}/metaflow`);
      const { artifacts } = await call('metaflow.task', { ...ref, workspaceId: datastoreOnly });
      for (const channel of ['metaflow.artifact', 'metaflow.artifactTier'] as const) {
        const error = await fail(channel, { ...ref, name: artifacts[0].name });
        expect(error.code, channel).toBe('FORBIDDEN');
        expect(error.message, channel).toContain('outside this workspace\'s datastore');
      }
      const file = await fail('metaflow.artifactFile', { ...ref, name: artifacts[0].name, format: 'json' });
      expect(file.code).toBe('FORBIDDEN');
    });
  });
});
