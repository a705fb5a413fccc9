import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransferProgress } from '../../shared/schemas/transfer.js';
import { TransferEngine } from '../../electron/transfer/engine.js';
import { until, writeRandomFile } from '../harness/transfer-files.js';

// The header's rate counts bytes that reached the service, not bytes handed to the bandwidth meter
// before their request was sent: uploads stuck at 0 B (a storage endpoint that accepts connections
// and never answers, as a dead proxy does) show no rate at all, however many are started.

const MiB = 1024 * 1024;

let work: string;
let server: http.Server;
const held = new Set<http.IncomingMessage>();
let endpoint: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'stratus-rate-'));
  server = http.createServer((req) => {
    // Read the body and never answer.
    req.resume();
    held.add(req);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/devstoreaccount1`;
});

afterAll(async () => {
  for (const req of held) req.socket.destroy();
  await new Promise((resolve) => server.close(resolve));
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the aggregate transfer rate', () => {
  it('is 0 while every upload is still at 0 B, also when more uploads start', async () => {
    const events: TransferProgress[] = [];
    const engine = new TransferEngine({ fixedConcurrency: 4, progressIntervalMs: 50, onProgress: (p) => events.push(p) });
    const target = { workspaceId: 'rate', service: new BlobServiceClient(endpoint), endpoint, container: 'stalled' };
    try {
      const files = ['a.bin', 'b.bin'].map((name) => path.join(work, name));
      await Promise.all(files.map((file) => writeRandomFile(file, MiB)));
      await engine.enqueueUpload({ ...target, blobName: 'a.bin', filePath: files[0] });
      await until(() => events.some((e) => e.totals.running === 1) && held.size === 1, 'the first upload reaching the endpoint');
      // The second upload starts after the first samples were taken: its bytes, queued but not sent, are no progress.
      await engine.enqueueUpload({ ...target, blobName: 'b.bin', filePath: files[1] });
      await until(() => held.size === 2, 'the second upload reaching the endpoint');
      const seen = events.length;
      await until(() => events.length >= seen + 6, 'progress events after both uploads started');

      expect(events.every((e) => e.totals.bytesDone === 0)).toBe(true);
      expect(events.map((e) => e.totals.rate)).toEqual(events.map(() => 0));
      expect(events.flatMap((e) => e.jobs.map((j) => j.rate))).toEqual(events.flatMap((e) => e.jobs.map(() => 0)));
      expect(events.at(-1)?.totals).toMatchObject({ running: 2, etaSeconds: null });
    } finally {
      engine.cancel({ all: true });
      engine.close();
    }
  });
});
