import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RestClient } from '../../electron/mlflow/sources/rest-client.js';
import { syncTraces } from '../../electron/mlflow/trace-cache/rest-sync.js';
import { TraceCache, TraceCacheWorker } from '../../electron/mlflow/trace-cache/trace-cache.js';

// A later sync reads recent IN_PROGRESS traces again (the kit's generator writes only finished
// ones, so this server is a loopback stand-in): one that finished is stored with its new state and
// its spans are due again; one deleted on the server meanwhile does not fail the sync.

let server: Server | undefined;
let scratch: string | undefined;
const worker = new TraceCacheWorker();

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await worker.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('the IN_PROGRESS re-check of a later sync', () => {
  it('stores traces that finished and skips ones the server no longer has', async () => {
    const seen: string[] = [];
    server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.setHeader('content-type', 'application/json');
      if (req.url === '/api/3.0/mlflow/traces/search') return res.end('{"traces":[]}');
      if (req.url === '/api/3.0/mlflow/traces/tr-done') {
        return res.end(JSON.stringify({ trace: { trace_info: { trace_id: 'tr-done', trace_location: { mlflow_experiment: { experiment_id: '1' } }, request_time: '2026-01-01T00:00:00Z', state: 'OK' } } }));
      }
      res.writeHead(404).end('{"message":"not found"}');
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    scratch = await mkdtemp(path.join(tmpdir(), 'stratus-recheck-'));
    const cache = new TraceCache(worker, path.join(scratch, 'cache.sqlite'));
    const row = (traceId: string) => ({ traceId, experimentId: '1', timestampMs: Date.parse('2026-01-01T00:00:00Z'), durationMs: null, state: 'IN_PROGRESS', name: null, user: null, session: null, stored: null });
    await cache.savePage([row('tr-done'), row('tr-gone')], { experimentId: '1', pageToken: null, newestMs: Date.parse('2026-01-01T00:00:00Z'), complete: true });
    await cache.saveSpans([
      { traceId: 'tr-done', usage: null, byModel: [], spans: [] },
      { traceId: 'tr-gone', usage: null, byModel: [], spans: [] },
    ]);

    await syncTraces(new RestClient(uri, {}), cache, ['1']);
    expect(seen.sort()).toEqual(['GET /api/3.0/mlflow/traces/tr-done', 'GET /api/3.0/mlflow/traces/tr-gone', 'POST /api/3.0/mlflow/traces/search']);
    expect(await cache.inProgress(['1'], 10)).toEqual(['tr-gone']);
    expect(await cache.pendingSpans(10)).toEqual(['tr-done']);
  });
});
