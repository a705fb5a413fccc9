import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQuery } from '../../electron/mlflow/queries.js';
import { RestSource } from '../../electron/mlflow/sources/rest.js';

// The tracking server runs MLflow's search itself: the REST source sends the text as runs/search's
// `filter`, and text the grammar refuses never reaches the server.

let server: Server;
let uri: string;
const bodies: Record<string, unknown>[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      if (req.url?.startsWith('/api/2.0/mlflow/runs/search')) bodies.push(JSON.parse(raw) as Record<string, unknown>);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"runs": []}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('runs search on a tracking server', () => {
  it('sends the filter as MLflow takes it, and none when blank', async () => {
    const source = new RestSource(uri, {});
    const filter = "metrics.`val acc` > 0.9 and params.model = 'x' and tags.team LIKE 'a%'";
    await source.runs(runQuery({ experimentIds: ['1'], filter }));
    await source.runs(runQuery({ experimentIds: ['1'], filter: '  ' }));
    expect(bodies[0]).toMatchObject({ experiment_ids: ['1'], filter });
    expect(bodies[1]).not.toHaveProperty('filter');
    await source.close();
  });

  it('never sends text the grammar refuses', () => {
    const before = bodies.length;
    expect(() => runQuery({ experimentIds: ['1'], filter: "params.a = 'x' or params.b = 'y'" })).toThrow(/no OR.*column 16/);
    expect(bodies).toHaveLength(before);
  });
});
