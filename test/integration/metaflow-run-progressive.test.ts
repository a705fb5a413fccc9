import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { planSteps } from '../../electron/sample/flow-graph.js';
import { generateDatastore, type GeneratedRun } from '../../electron/sample/metaflow-datastore.js';
import type { RunDetail } from '../../shared/contract.js';
import { callChannel as call, EnvironmentWorkspaces } from '../harness/environment-workspace.js';
import { PROFILES } from '../harness/link-sim/profiles.js';
import { startLinkProxy, type LinkProxy } from '../harness/link-sim/proxy.js';
import { RequestCounter } from '../harness/request-counter.js';

// A cold run view of a run with hundreds of tasks over the office link, as the window asks for it (`progressive`):
// the steps and every task id come from the run's listing before any task is read, the tasks the window says it
// shows are read next, the statuses stream in, and the view they end as is the one the full read (the CLI's) gives.

const endpoint = inject('endpoint');
const CONTAINER = 'metaflow-run-progressive';
const FLOW = 'WideRunFlow';
const WIDTH = 300;
const STEPS = 4;
/** The tasks the window says are on screen: those with the highest ids, which the fill would otherwise read last. */
const VISIBLE = 12;

let link: LinkProxy;
let run: GeneratedRun;
const workspaces = new EnvironmentWorkspaces();

const open = (through: string) => workspaces.open(CONTAINER, through);

const pause = () => new Promise((resolve) => setTimeout(resolve, 10));
const taskKeys = (detail: RunDetail) => detail.tasks.map((t) => `${t.step}/${t.id}`).sort();

beforeAll(async () => {
  const admin = BlobServiceClient.fromConnectionString(inject('connectionString')).getContainerClient(CONTAINER);
  await admin.createIfNotExists();
  const generated = await generateDatastore(
    { container: admin },
    { flow: FLOW, runs: 1, stepsPerRun: STEPS, foreachWidth: WIDTH, artifactsPerTask: 0, retryEvery: 0, failedEvery: 0, runningEvery: 0 },
  );
  run = generated.runs[0];
  const url = new URL(endpoint);
  link = await startLinkProxy({ host: url.hostname, port: Number(url.port) }, PROFILES.office);
}, 300_000);

afterAll(async () => {
  await workspaces.close();
  await link?.close();
  await BlobServiceClient.fromConnectionString(inject('connectionString')).getContainerClient(CONTAINER).deleteIfExists();
});

describe('a cold run view of a wide run over an office link', () => {
  it('shows steps and task ids from the listing, reads the visible tasks first, and ends as the full read', async () => {
    const { services, workspaceId } = await open(link.through(endpoint));
    const args = { workspaceId, flow: FLOW, run: run.id, progressive: true };
    const counter = new RequestCounter().start();
    let first: RunDetail;
    let atFirst: { lists: number; total: number };
    try {
      first = await call(services, 'metaflow.run', args);
      atFirst = { lists: counter.lists, total: counter.total };
    } finally {
      counter.stop();
    }

    // Every step and task is there at once, none read yet: only listings answered before it (the reads of the first
    // CONCURRENCY tasks, which the fill had just sent, are still on the wire).
    expect(taskKeys(first)).toEqual(run.tasks.map((t) => `${t.step}/${t.id}`).sort());
    expect(new Set(first.steps.map((s) => s.name))).toEqual(new Set(run.steps));
    for (const step of first.steps) expect(step.taskCount).toBe(run.tasks.filter((t) => t.step === step.name).length);
    expect(first.taskStatuses).toEqual({ known: 0, total: run.tasks.length });
    expect(first.tasks.every((t) => t.listedOnly === true && t.status === 'unknown')).toBe(true);
    expect(first.summary.listedOnly).toBe(true);
    // Its shape is there too, read from `_parameters` alone: the DAG's step types and edges, and the parameters.
    expect(first.steps.map((s) => [s.name, s.type, s.next])).toEqual(planSteps(STEPS, WIDTH).map((s) => [s.name, s.type, s.next]));
    expect(first.parameters.map((p) => [p.name, (p.value as { value?: unknown }).value]).sort()).toEqual(Object.entries(run.parameters).sort());
    expect(atFirst.lists).toBeGreaterThan(0);
    expect(atFirst.total - atFirst.lists).toBeLessThan(run.tasks.length / 2);

    // The window shows the foreach tasks with the highest ids: theirs are read next, while most others still wait.
    const visible = first.tasks.slice(-VISIBLE);
    await call(services, 'metaflow.tasksVisible', { workspaceId, flow: FLOW, run: run.id, tasks: visible.map((t) => ({ step: t.step, task: t.id })) });
    let view = first;
    const shown = () => view.tasks.filter((t) => visible.some((v) => v.step === t.step && v.id === t.id));
    while (shown().some((t) => t.listedOnly)) {
      await pause();
      view = await call(services, 'metaflow.run', args);
    }
    expect(view.taskStatuses?.known ?? run.tasks.length).toBeLessThan(run.tasks.length / 2);

    while (view.taskStatuses !== undefined) {
      expect(view.taskStatuses.stalled).toBeUndefined();
      await pause();
      view = await call(services, 'metaflow.run', args);
    }
    expect(view.tasks.some((t) => t.listedOnly)).toBe(false);

    // The CLI's way, from a cold index of its own: every task before the answer, the same view.
    const full = await open(endpoint);
    const complete = await call(full.services, 'metaflow.run', { workspaceId: full.workspaceId, flow: FLOW, run: run.id });
    expect(complete.taskStatuses).toBeUndefined();
    expect(view).toEqual(complete);
    expect(first.parameters).toEqual(complete.parameters);
    expect(first.steps.map((s) => [s.name, s.type, s.next])).toEqual(complete.steps.map((s) => [s.name, s.type, s.next]));
    expect(view.summary.status).toBe(run.status);
    for (const task of view.tasks) expect(task.status, `${task.step}/${task.id}`).toBe(run.tasks.find((t) => t.step === task.step && t.id === task.id)?.status);
  }, 300_000);
});
