import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ANY_LOCAL_PATH } from '../../electron/local-access/local-grants.js';
import { createServices, type Services } from '../../electron/services.js';
import type { Channel } from '../../shared/contract.js';
import { activeResources, openFilesUnder, workerThreads } from '../harness/open-handles.js';

// Explicit lifetimes (issue 19 step 3): reconnecting a workspace reuses its one index worker, and
// closing the services ends every worker thread, database and timer they started.

const SETTLE_MS = 200;

let userDataDir: string;
let services: Services | undefined;

beforeEach(async () => {
  userDataDir = await mkdtemp(path.join(tmpdir(), 'stratus-lifetimes-'));
});

afterEach(async () => {
  await services?.close();
  services = undefined;
  await rm(userDataDir, { recursive: true, force: true });
});

async function call<T>(channel: Channel, args: unknown): Promise<T> {
  if (!services) throw new Error('no services');
  const reply = await services.router.dispatch(channel, args);
  if (!reply.ok) throw new Error(`${channel}: ${reply.error.message}`);
  return reply.value as T;
}

/** The app's services (local index on) with the generated sample workspace saved. */
async function appWithSample(): Promise<string> {
  services = createServices({ env: {}, userDataDir, localIndex: true, localAccess: ANY_LOCAL_PATH });
  const sample = await call<{ id: string }>('workspace.openSample', {});
  return sample.id;
}

describe('service lifetimes', () => {
  it('connecting the same workspace 50 times keeps one index worker for it, until the last one closes', async () => {
    const savedId = await appWithSample();
    const before = workerThreads();
    const ids: string[] = [];
    for (let i = 0; i < 50; i += 1) {
      const info = await call<{ id: string }>('workspace.connect', { id: savedId });
      ids.push(info.id);
      // Listing runs waits for the workspace's index: each connect's worker has started by now.
      await call('metaflow.runs', { workspaceId: info.id, flow: 'TrainFlow' });
    }
    await sleep(SETTLE_MS);
    expect(workerThreads() - before).toBe(1);

    // Closing one of them leaves the shared index to the others.
    await services?.workspaces.close(ids[0]);
    const runs = await call<{ runs: unknown[] }>('metaflow.runs', { workspaceId: ids[49], flow: 'TrainFlow' });
    expect(runs.runs.length).toBeGreaterThan(0);
    expect(workerThreads() - before).toBe(1);
    await expect(call('metaflow.runs', { workspaceId: ids[0], flow: 'TrainFlow' })).rejects.toThrow(/not open any more/);

    for (const id of ids.slice(1)) await services?.workspaces.close(id);
    await sleep(SETTLE_MS);
    expect(workerThreads()).toBe(before);
  });

  it('closing the services leaves no worker, open file or active handle behind', async () => {
    const workersBefore = workerThreads();
    const resourcesBefore = activeResources();
    const savedId = await appWithSample();
    const { id: workspaceId } = await call<{ id: string }>('workspace.connect', { id: savedId });

    // Metaflow through the index, MLflow's sqlite store, token usage, prices, gc and transfers: each starts what it needs.
    const runs = await call<{ runs: unknown[] }>('metaflow.runs', { workspaceId, flow: 'TrainFlow' });
    expect(runs.runs.length).toBeGreaterThan(0);
    const { experiments } = await call<{ experiments: { experimentId: string }[] }>('mlflow.experiments', { workspaceId });
    expect(experiments.length).toBeGreaterThan(0);
    await call('mlflow.tokens.summary', { workspaceId, experimentIds: experiments.map((e) => e.experimentId) });
    await call('mlflow.tokens.prices.set', { rows: [{ model: 'gpt-4o', inputPer1M: 2.5, outputPer1M: 10 }] });
    const plan = await call<{ planId: string }>('gc.plan', { workspaceId, target: 'metaflow' });
    expect(plan.planId).toBeTruthy();
    await call('transfer.list', {});
    // The index, the MLflow reader and the token usage cache each run in a thread of their own.
    expect(workerThreads() - workersBefore).toBeGreaterThanOrEqual(3);
    expect(openFilesUnder(userDataDir).length).toBeGreaterThan(0);

    await services?.close();
    await sleep(SETTLE_MS);
    expect(workerThreads()).toBe(workersBefore);
    expect(openFilesUnder(userDataDir)).toEqual([]);
    // Never more of a kind than before (the runner's own timers and reads come and go).
    const resourcesAfter = activeResources();
    for (const [type, count] of Object.entries(resourcesAfter)) expect({ type, count }).toEqual({ type, count: Math.min(count, resourcesBefore[type] ?? 0) });
    // The workspaces went with them.
    await expect(call('metaflow.runs', { workspaceId, flow: 'TrainFlow' })).rejects.toThrow(/not open any more/);
  });
});
