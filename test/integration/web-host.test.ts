import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createServices } from '../../electron/services.js';
import { startWebHost, type WebHost } from '../../electron/web/web-host.js';

// Browser mode must serve nothing, and accept no WebSocket, without the launch token and our own Host and Origin.

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
  const token = () => base.searchParams.get('token') ?? '';
  const ownHost = () => ({ host: `127.0.0.1:${host.port}` });
  const ownOrigin = () => ({ ...ownHost(), origin: `http://127.0.0.1:${host.port}` });

  it('listens on loopback with a random port and a token in the URL', () => {
    expect(base.hostname).toBe('127.0.0.1');
    expect(host.port).toBeGreaterThan(0);
    expect(token().length).toBeGreaterThanOrEqual(32);
  });

  it('serves the page with the token and sets a strict HTTP-only cookie for its assets', async () => {
    const page = await get(`/?token=${token()}`, ownHost());
    expect(page.status).toBe(200);
    expect(page.body).toContain('Stratus');
    expect(String(page.headers['content-security-policy'])).toContain("default-src 'none'");
    const cookie = String(page.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const asset = await get('/app.js', { ...ownHost(), cookie: cookie.split(';')[0] });
    expect(asset.status).toBe(200);
  });

  it('answers 403 without the token, with a wrong token, to a foreign Host or a foreign Origin', async () => {
    expect((await get('/', ownHost())).status).toBe(403);
    expect((await get('/app.js', ownHost())).status).toBe(403);
    expect((await get(`/?token=${token().slice(1)}x`, ownHost())).status).toBe(403);
    expect((await get(`/?token=${token()}`, { host: `evil.example:${host.port}` })).status).toBe(403);
    expect((await get(`/?token=${token()}`, { host: 'localhost' })).status).toBe(403);
    expect((await get(`/?token=${token()}`, { ...ownHost(), origin: 'http://evil.example' })).status).toBe(403);
  });

  it('never serves files outside the renderer folder', async () => {
    for (const p of ['/../package.json', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc%2fpasswd']) {
      const answer = await get(`${p}?token=${token()}`, ownHost());
      expect(answer.status).toBe(404);
    }
  });

  it('accepts the contract over a WebSocket only with token, Host and Origin', async () => {
    const ws = `ws://127.0.0.1:${host.port}/ws`;
    expect(await openSocket(ws, ownOrigin())).toBe(403);
    expect(await openSocket(`${ws}?token=${token()}`, ownHost())).toBe(403);
    expect(await openSocket(`${ws}?token=${token()}`, { ...ownHost(), origin: 'http://evil.example' })).toBe(403);
    expect(await openSocket(`${ws}?token=${token()}`, { host: 'attacker.test', origin: `http://127.0.0.1:${host.port}` })).toBe(403);

    const socket = await openSocket(`${ws}?token=${token()}`, ownOrigin());
    if (typeof socket === 'number') throw new Error(`socket refused: ${socket}`);
    const reply = await new Promise<unknown>((resolve) => {
      socket.once('message', (data: Buffer) => resolve(JSON.parse(data.toString())));
      socket.send(JSON.stringify({ id: 7, channel: 'metaflow.list', args: { workspaceId: '../..', flow: '..' } }));
    });
    expect(reply).toMatchObject({ id: 7, reply: { ok: false, error: { code: 'INVALID_ARGUMENT' } } });
    socket.close();
  });
});
