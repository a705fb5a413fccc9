import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MetadataServiceClient } from '../../electron/metaflow/service/service-client.js';

// The service's auth key and headers go only to the service URL's origin: a redirect to another origin, or a cursor
// that names another origin's URL, never carries them there. Two local HTTP servers stand for the service (or a
// gateway in front of it) and for the other origin, which records every request it gets.

const KEY = 'origin-key-2c8e41';
const HEADERS = JSON.stringify({ Authorization: 'Bearer origin-token-77aa' });
const RUN = { flow_id: 'F', run_number: 1, run_id: null, user_name: 'alice', user: 'alice', ts_epoch: 1796409295805, tags: [], system_tags: ['user:alice'], last_heartbeat_ts: null };

interface Server {
  url: string;
  seen: http.IncomingHttpHeaders[];
  close(): Promise<void>;
}

async function serve(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<Server> {
  const seen: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.headers);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, seen, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('the metadata service secrets stay with its origin', () => {
  let other: Server;
  let service: Server | undefined;

  beforeEach(async () => {
    other = await serve((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(JSON.stringify([RUN])));
  });
  afterEach(async () => {
    await other.close();
    await service?.close();
  });

  it('does not follow a redirect to another origin, so the key is never sent there', async () => {
    service = await serve((req, res) => res.writeHead(302, { location: `${other.url}${(req.url ?? '/').slice(1)}` }).end());
    const client = new MetadataServiceClient(service.url, { authKey: KEY, headersJson: HEADERS });
    await expect(client.runs('F')).rejects.toThrow(/did not answer/);
    expect(service.seen[0]['x-api-key']).toBe(KEY);
    expect(other.seen).toEqual([]);
  });

  it('sends a cursor naming another origin to the service itself, as a query value', async () => {
    const requested: string[] = [];
    service = await serve((req, res) => {
      requested.push(req.url ?? '');
      const first = !(req.url ?? '').includes('_cursor=');
      res.writeHead(200, { 'content-type': 'text/plain', ...(first ? { 'X-Next-Cursor': `${other.url}steal` } : {}) }).end(JSON.stringify(first ? [RUN] : []));
    });
    const client = new MetadataServiceClient(service.url, { authKey: KEY, headersJson: HEADERS });
    const first = await client.runsPage('F', { limit: 1 });
    expect(first.next).toBe(`${other.url}steal`);
    await client.runsPage('F', { limit: 1, cursor: first.next });
    const second = new URL(requested[1], service.url);
    expect([second.pathname, second.searchParams.get('_cursor')]).toEqual(['/flows/F/runs', `${other.url}steal`]);
    expect(service.seen.map((h) => [h['x-api-key'], h.authorization])).toEqual([
      [KEY, 'Bearer origin-token-77aa'],
      [KEY, 'Bearer origin-token-77aa'],
    ]);
    expect(other.seen).toEqual([]);
  });
});
