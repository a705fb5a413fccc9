import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createServices } from '../../electron/services.js';
import { startWebHost, type WebHost } from '../../electron/web/web-host.js';

// Browser mode must serve nothing, and accept no WebSocket, without the launch token and our own Host and Origin.
// The token is the first segment of every path, never a cookie: a 127.0.0.1 cookie reaches every port.

let host: WebHost;
let base: URL;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(pathAndQuery: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path: pathAndQuery, headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function openSocket(url: string, headers: Record<string, string>): Promise<WebSocket | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => resolve(ws));
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(-1));
  });
}

beforeAll(async () => {
  const staticDir = mkdtempSync(path.join(tmpdir(), 'stratus-web-'));
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Stratus</title>');
  writeFileSync(path.join(staticDir, 'app.js'), 'export {}');
  host = await startWebHost({ services: createServices({}), staticDir });
  base = new URL(host.url);
});

afterAll(() => host.close());

describe('browser-mode host', () => {
  const token = () => base.pathname.split('/')[1];
  const ownHost = () => ({ host: `127.0.0.1:${host.port}` });
  const ownOrigin = () => ({ ...ownHost(), origin: `http://127.0.0.1:${host.port}` });

  it('listens on loopback with a random port and the token as the path prefix of its URL', () => {
    expect(base.hostname).toBe('127.0.0.1');
    expect(host.port).toBeGreaterThan(0);
    expect(token().length).toBeGreaterThanOrEqual(32);
    expect(base.pathname).toBe(`/${token()}/`);
    expect(base.search).toBe('');
  });

  it('serves the page and its assets under the token prefix, and sets no cookie', async () => {
    const page = await get(`/${token()}/`, ownHost());
    expect(page.status).toBe(200);
    expect(page.body).toContain('Stratus');
    expect(String(page.headers['content-security-policy'])).toContain("default-src 'none'");
    const asset = await get(`/${token()}/app.js`, ownHost());
    expect(asset.status).toBe(200);
    for (const answer of [page, asset]) expect(answer.headers['set-cookie']).toBeUndefined();
    const bare = await get(`/${token()}`, ownHost());
    expect(bare.status).toBe(308);
    expect(bare.headers.location).toBe(`/${token()}/`);
  });

  it('answers 403 without the token, with a wrong token, with the token in a query or cookie, to a foreign Host or Origin', async () => {
    expect((await get('/', ownHost())).status).toBe(403);
    expect((await get('/app.js', ownHost())).status).toBe(403);
    expect((await get(`/${token().slice(1)}x/`, ownHost())).status).toBe(403);
    expect((await get(`/${token().slice(1)}/`, ownHost())).status).toBe(403);
    expect((await get(`/?token=${token()}`, ownHost())).status).toBe(403);
    expect((await get('/app.js', { ...ownHost(), cookie: `stratus_token=${token()}` })).status).toBe(403);
    expect((await get(`/x/${token()}/app.js`, ownHost())).status).toBe(403);
    expect((await get(`/${token()}/`, { host: `evil.example:${host.port}` })).status).toBe(403);
    expect((await get(`/${token()}/`, { host: 'localhost' })).status).toBe(403);
    expect((await get(`/${token()}/`, { ...ownHost(), origin: 'http://evil.example' })).status).toBe(403);
  });

  it('never serves files outside the renderer folder', async () => {
    for (const p of ['/../package.json', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc%2fpasswd']) {
      const answer = await get(`/${token()}${p}`, ownHost());
      // A `..` that climbs out of the prefix leaves the token behind (403); one kept inside finds nothing (404).
      expect([403, 404]).toContain(answer.status);
      expect(answer.body).not.toContain('"name"');
    }
  });

  it('accepts the contract over a WebSocket only with token, Host and Origin', async () => {
    const root = `ws://127.0.0.1:${host.port}`;
    const ws = `${root}/${token()}/ws`;
    expect(await openSocket(`${root}/ws`, ownOrigin())).toBe(403);
    expect(await openSocket(`${root}/ws?token=${token()}`, ownOrigin())).toBe(403);
    expect(await openSocket(ws, ownHost())).toBe(403);
    expect(await openSocket(ws, { ...ownHost(), origin: 'http://evil.example' })).toBe(403);
    expect(await openSocket(ws, { host: 'attacker.test', origin: `http://127.0.0.1:${host.port}` })).toBe(403);

    const socket = await openSocket(ws, ownOrigin());
    if (typeof socket === 'number') throw new Error(`socket refused: ${socket}`);
    const reply = await new Promise<unknown>((resolve) => {
      socket.once('message', (data: Buffer) => resolve(JSON.parse(data.toString())));
      socket.send(JSON.stringify({ id: 7, channel: 'metaflow.list', args: { workspaceId: '../..', flow: '..' } }));
    });
    expect(reply).toMatchObject({ id: 7, reply: { ok: false, error: { code: 'INVALID_ARGUMENT' } } });
    socket.close();
  });

  it('runs beside a second host: each refuses the other’s token', async () => {
    const staticDir = mkdtempSync(path.join(tmpdir(), 'stratus-web-'));
    writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Second</title>');
    const second = await startWebHost({ services: createServices({}), staticDir });
    try {
      const secondToken = new URL(second.url).pathname.split('/')[1];
      expect(secondToken).not.toBe(token());
      const on = (port: number, pathname: string) =>
        new Promise<number>((resolve, reject) => {
          request({ host: '127.0.0.1', port, path: pathname, headers: { host: `127.0.0.1:${port}` } }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          })
            .on('error', reject)
            .end();
        });
      expect(await on(second.port, `/${secondToken}/`)).toBe(200);
      expect(await on(second.port, `/${token()}/`)).toBe(403);
      expect(await on(host.port, `/${secondToken}/`)).toBe(403);
      expect(await on(host.port, `/${token()}/`)).toBe(200);
    } finally {
      await second.close();
    }
  });
});
