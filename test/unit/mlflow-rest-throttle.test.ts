import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RestClient, RestError, retryAfterMs } from '../../electron/mlflow/sources/rest-client.js';

// A tracking server that throttles: the client waits as Retry-After asks and tries again, a bounded
// number of times, then reports the server's answer.

let server: Server | undefined;

async function serve(answers: { status: number; retryAfter?: string }[]): Promise<{ uri: string; hits: () => number }> {
  let hits = 0;
  server = createServer((_req, res) => {
    const answer = answers[Math.min(hits, answers.length - 1)];
    hits++;
    res.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.retryAfter === undefined ? {} : { 'retry-after': answer.retryAfter }) });
    res.end(answer.status === 200 ? '{"ok":true}' : '{"message":"slow down"}');
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { uri: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits };
}

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

describe('a throttling tracking server', () => {
  it('is asked again after 429 and 503 answers, and the answer that follows is used', async () => {
    const { uri, hits } = await serve([{ status: 429, retryAfter: '0' }, { status: 503, retryAfter: '0' }, { status: 200 }]);
    await expect(new RestClient(uri, {}).json('GET', '/api/2.0/mlflow/experiments/search')).resolves.toEqual({ ok: true });
    expect(hits()).toBe(3);
  });

  it('is reported as throttled once the retries are spent', async () => {
    const { uri, hits } = await serve([{ status: 429, retryAfter: '0' }]);
    const failure = await new RestClient(uri, {}).json('GET', '/x').catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(RestError);
    expect((failure as RestError).code).toBe('THROTTLED');
    expect((failure as RestError).message).toContain('slow down');
    expect(hits()).toBe(5);
  });

  it('reads Retry-After as seconds or an HTTP date, bounded', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs('2', now)).toBe(2000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('86400', now)).toBe(60_000);
    expect(retryAfterMs('-3', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBe(1000);
    expect(retryAfterMs(null, now)).toBe(1000);
  });
});
