import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createServices, type Services } from '../../electron/services.js';
import { listFiles } from '../harness/transfer-files.js';

// A container holding blobs with hostile names (traversal, absolute paths, drive letters, Windows
// device names, forbidden characters) is downloaded whole: nothing lands outside the chosen folder.

const connectionString = inject('connectionString');
const endpoint = inject('endpoint');
const CONTAINER = 'transfer-hostile';
const NAMES = [
  'ok/plain.txt',
  '../escape.txt',
  'a/../../escape2.txt',
  '..\\..\\backslash-escape.txt',
  '/abs/root.txt',
  'C:/Windows/evil.dll',
  'D:relative.txt',
  'con.txt',
  'nul',
  'what?.txt',
  'pipe|star*.txt',
  'trailing.',
  'tab\tname.txt',
];

let services: Services;
let sandbox: string;

beforeAll(async () => {
  const container = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(CONTAINER);
  await container.createIfNotExists();
  // The emulator refuses some of these names itself (control characters); the rest are what a hostile container holds.
  for (const name of NAMES) await container.getBlockBlobClient(name).upload(name, Buffer.byteLength(name)).catch(() => undefined);
  sandbox = await mkdtemp(path.join(tmpdir(), 'stratus-hostile-'));
  services = createServices({ env: { AZURE_STORAGE_CONNECTION_STRING: connectionString }, userDataDir: path.join(sandbox, 'user') });
  // The user chose the sandbox (in the app: an open dialog in main).
  await services.localAccess.grant(sandbox);
});

afterAll(async () => {
  services?.transfers.close();
  await BlobServiceClient.fromConnectionString(connectionString).getContainerClient(CONTAINER).deleteIfExists();
  if (sandbox) await rm(sandbox, { recursive: true, force: true });
});

describe('downloading hostile blob names', () => {
  it('writes nothing outside the chosen folder and says which names were refused', async () => {
    const open = await services.router.dispatch('workspace.open', { sysroot: CONTAINER, endpoint, credential: { kind: 'environment' } });
    if (!open.ok) throw new Error(open.error.message);
    const stored: string[] = [];
    for await (const blob of BlobServiceClient.fromConnectionString(connectionString).getContainerClient(CONTAINER).listBlobsFlat()) stored.push(blob.name);
    expect(stored.length).toBeGreaterThan(8);
    expect(stored.some((name) => name.split(/[\\/]/).includes('..'))).toBe(true);

    const reply = await services.router.dispatch('transfer.download', { workspaceId: (open.value as { id: string }).id, container: CONTAINER, prefix: '', targetFolder: path.join(sandbox, 'target') });
    if (!reply.ok) throw new Error(reply.error.message);
    expect((reply.value as { jobIds: string[] }).jobIds).toHaveLength(stored.length);
    await services.transfers.idle();

    const files = await listFiles(sandbox);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(file.startsWith('target/') || file.startsWith('user/'), file).toBe(true);
    const jobs = services.transfers.list().jobs;
    for (const job of jobs) {
      if (job.state === 'failed') expect(job.error?.message).toMatch(/was not downloaded/);
      else expect(job.state).toBe('done');
    }
    const refused = jobs.filter((j) => j.state === 'failed').map((j) => j.blobName);
    expect(refused.length, 'the hostile names were refused').toBeGreaterThan(0);
    for (const name of refused) expect(name.split(/[\\/]/)).toContain('..');
    expect(files).toContain('target/ok/plain.txt');
    expect(files).toContain('target/_con.txt');
    expect(files).toContain('target/what_.txt');
  }, 60_000);
});
