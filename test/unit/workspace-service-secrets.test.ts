import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryVault } from '../../electron/workspace/secret-vault.js';
import { savedWorkspaceInput } from '../../electron/workspace/saved-input.js';
import { WorkspaceStore } from '../../electron/workspace/workspace-store.js';
import type { WorkspaceConfig } from '../../shared/contract.js';

// A saved workspace's metadata service: the URL is saved with the workspace, its auth key only in the vault,
// and the key stays only with the service URL it was entered for.

const KEY = 'svc-key-7f3a91';

describe('metadata service secrets of saved workspaces', () => {
  let dir: string;
  let store: WorkspaceStore;
  const config = (url: string): WorkspaceConfig => ({ kind: 'local', name: 'team', path: '/data/mf', metadataServiceUrl: url });

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'stratus-svc-secrets-'));
    store = new WorkspaceStore(dir, new MemoryVault());
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('keeps the auth key out of the saved file and gives it back to open the workspace', async () => {
    const saved = await store.save({ config: config('https://mf.example.com/'), serviceSecrets: { authKey: KEY } });
    expect(await readFile(path.join(dir, 'workspaces.json'), 'utf8')).not.toContain(KEY);
    expect(JSON.stringify(await store.list())).not.toContain(KEY);
    const input = savedWorkspaceInput(await store.get(saved.id));
    expect(input.metadataService).toEqual({ url: 'https://mf.example.com/', secrets: { authKey: KEY } });
  });

  it('keeps the key on a re-save for the same service, and drops it when the service URL changes', async () => {
    const saved = await store.save({ config: config('https://mf.example.com/'), serviceSecrets: { authKey: KEY } });
    await store.save({ id: saved.id, config: config('https://mf.example.com/') });
    expect((await store.get(saved.id)).serviceSecrets).toEqual({ authKey: KEY });
    await store.save({ id: saved.id, config: config('https://elsewhere.example.com/') });
    expect((await store.get(saved.id)).serviceSecrets).toBeUndefined();
    expect(savedWorkspaceInput(await store.get(saved.id)).metadataService).toEqual({ url: 'https://elsewhere.example.com/' });
  });

  it('forgets the key with the workspace', async () => {
    const saved = await store.save({ config: config('https://mf.example.com/'), serviceSecrets: { authKey: KEY } });
    await store.remove(saved.id);
    expect(await store.vault.has(`${saved.id}/metaflow-service`)).toBe(false);
  });
});
