import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PriceStore, priceFile } from '../../electron/mlflow/tokens/price-store.js';
import { savedTraceCacheScope } from '../../electron/mlflow/trace-cache/trace-caches.js';
import { traceCacheFolder } from '../../electron/mlflow/trace-cache/trace-cache.js';
import { createServices, type Services } from '../../electron/services.js';
import { contract, type ArgsOf, type Channel, type ResultOf } from '../../shared/contract.js';

// Removing a saved workspace deletes what was kept for it alone: its own token prices and its
// tracking server's trace cache. Another saved workspace's prices and cache, the prices for all
// workspaces and the workspace's MLflow store stay.

let scratch: string;
let userDataDir: string;
let services: Services;

async function ok<C extends Channel>(channel: C, args: ArgsOf<C>): Promise<ResultOf<C>> {
  const reply = await services.router.dispatch(channel, args);
  if (!reply.ok) throw new Error(`${channel} failed: ${reply.error.code} ${reply.error.message}`);
  return contract[channel].result.parse(reply.value) as ResultOf<C>;
}

const cacheFolders = () => readdir(path.join(userDataDir, 'mlflow-trace-cache')).catch(() => [] as string[]);

beforeEach(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'stratus-remove-'));
  userDataDir = path.join(scratch, 'user-data');
  services = createServices({ env: {}, userDataDir });
  await services.localAccess.grant(scratch);
});

afterEach(async () => {
  await services.close();
  await rm(scratch, { recursive: true, force: true });
});

describe('removing a saved workspace', () => {
  /** A saved workspace on a tracking server, connected, with its own price and its trace cache opened. */
  async function savedServerWorkspace(name: string, price: number) {
    // Nothing listens there: the cache status and the prices never ask the server.
    const saved = await ok('workspace.save', { config: { kind: 'local', name, path: scratch, mlflowTrackingUri: 'http://127.0.0.1:9/' } });
    const open = await ok('workspace.connect', { id: saved.id });
    await ok('mlflow.tokens.prices.workspace.set', { workspaceId: open.id, rows: [{ model: 'gpt-4o', inputPer1M: price, outputPer1M: price }] });
    expect(await ok('mlflow.tokens.cache.status', { workspaceId: open.id })).toMatchObject({ traces: 0 });
    return { savedId: saved.id, openId: open.id };
  }

  it('deletes its own prices and its trace cache folder, and nothing of another workspace', async () => {
    const a = await savedServerWorkspace('Server A', 1);
    const b = await savedServerWorkspace('Server B', 2);
    await ok('mlflow.tokens.prices.set', { rows: [{ model: 'gpt-4o', inputPer1M: 5, outputPer1M: 5 }] });
    const folderOf = (savedId: string) => path.basename(traceCacheFolder(userDataDir, savedTraceCacheScope(savedId)));
    expect((await cacheFolders()).sort()).toEqual([folderOf(a.savedId), folderOf(b.savedId)].sort());

    expect(await ok('workspace.remove', { id: a.savedId })).toEqual({ removed: true });

    expect(await cacheFolders()).toEqual([folderOf(b.savedId)]);
    const prices = new PriceStore(priceFile(userDataDir));
    try {
      expect(prices.getWorkspace(a.savedId)).toEqual([]);
      expect(prices.getWorkspace(b.savedId)).toMatchObject([{ model: 'gpt-4o', inputPer1M: 2 }]);
      expect(prices.get()).toMatchObject([{ model: 'gpt-4o', inputPer1M: 5 }]);
    } finally {
      prices.close();
    }
    // The other workspace's cache still answers.
    expect(await ok('mlflow.tokens.cache.status', { workspaceId: b.openId })).toMatchObject({ traces: 0, syncing: false });
    expect((await ok('workspace.list', {})).workspaces.map((w) => w.id)).toEqual([b.savedId]);
  });

  it('deletes nothing when there was no such saved workspace', async () => {
    const b = await savedServerWorkspace('Server B', 2);
    expect(await ok('workspace.remove', { id: '00000000-0000-4000-8000-000000000000' })).toEqual({ removed: false });
    expect(await cacheFolders()).toHaveLength(1);
    expect(await ok('mlflow.tokens.prices.workspace.get', { workspaceId: b.openId })).toMatchObject({ saved: true, rows: [{ model: 'gpt-4o' }] });
  });
});
