import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { APP_ORIGIN, appResponse, RENDERER_URL } from '../../electron/desktop/app-scheme.js';
import { cardResponse } from '../../electron/desktop/card-scheme.js';
import { frameNavigationAllowed } from '../../electron/desktop/frame-navigation.js';
import { CARD_GUARD } from '../../electron/metaflow/card-guard.js';
import { CardRegistry } from '../../electron/metaflow/card-registry.js';
import { CONTENT_SECURITY_POLICY } from '../../electron/web/web-host.js';

// What the desktop window's schemes answer (electron/shell/schemes.ts hands them every request) and
// where its frames may go: app:// serves the renderer folder and nothing beside it, stratus-card://
// serves guarded cards, and a frame may navigate only to a card.

const root = mkdtempSync(path.join(tmpdir(), 'stratus-app-scheme-'));
const rendererDir = path.join(root, 'renderer');
mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Stratus</title>');
writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
writeFileSync(path.join(root, 'secret.txt'), 'not part of the renderer');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const get = (url: string, method = 'GET') => appResponse(new Request(url, { method }), rendererDir);

describe('app://', () => {
  it('serves the renderer with the app policy', async () => {
    expect(RENDERER_URL).toBe('app://stratus/index.html');
    const page = await get(RENDERER_URL);
    expect(page.status).toBe(200);
    expect(await page.text()).toBe('<!doctype html><title>Stratus</title>');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    const script = await get(`${APP_ORIGIN}/assets/app.js`);
    expect([script.status, script.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect(await (await get(RENDERER_URL, 'HEAD')).text()).toBe('');
  });

  it.each([
    'app://stratus/../secret.txt',
    'app://stratus/%2e%2e/secret.txt',
    'app://stratus/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    'app://stratus/..%5csecret.txt',
    'app://stratus/%00index.html',
    `app://stratus/${encodeURIComponent(path.join(root, 'secret.txt'))}`,
    'app://stratus//etc/passwd',
    'app://other/index.html',
    'app://stratus.evil/index.html',
    'app://stratus/nothing-here.js',
    'app://stratus/%E0%A4%A',
  ])('answers 404 to %s', async (url) => {
    const answer = await get(url);
    expect(answer.status).toBe(404);
    expect(await answer.text()).not.toContain('not part of the renderer');
  });

  it('refuses writes', async () => {
    expect((await get(RENDERER_URL, 'POST')).status).toBe(405);
    expect((await get(RENDERER_URL, 'DELETE')).status).toBe(405);
  });
});

describe('stratus-card://', () => {
  it('serves a registered card guarded, framed only by the app', async () => {
    const cards = new CardRegistry();
    const id = cards.put('<p>card</p><script>draw()</script>');
    const card = cardResponse(new Request(`stratus-card://card/${id}`), cards);
    expect(card.status).toBe(200);
    expect(await card.text()).toBe(`<p>card</p><script>${CARD_GUARD}draw()</script>`);
    expect(card.headers.get('content-security-policy')).toMatch(/^sandbox allow-scripts;.*script-src 'sha256-[^']+';.*frame-ancestors app:\/\/stratus$/);
    for (const url of [`stratus-card://card/${'0'.repeat(32)}`, `stratus-card://other/${id}`, `stratus-card://card/${id}/x`]) {
      expect(cardResponse(new Request(url), cards).status, url).toBe(404);
    }
    expect(cardResponse(new Request(`stratus-card://card/${id}`, { method: 'POST' }), cards).status).toBe(404);
  });
});

describe('frame navigation', () => {
  const id = 'a'.repeat(32);

  it('lets a frame load a card', () => {
    expect(frameNavigationAllowed(`stratus-card://card/${id}`, false)).toBe(true);
  });

  it.each([
    ['the page itself, anywhere', RENDERER_URL, true],
    ['the page itself, to a card', `stratus-card://card/${id}`, true],
    ['a web page', 'https://example.com/?data=secret', false],
    ['a loopback server', 'http://127.0.0.1:8080/', false],
    ['a data: document', 'data:text/html,<script>1</script>', false],
    ['a srcdoc document', 'about:srcdoc', false],
    ['about:blank', 'about:blank', false],
    ['a javascript: URL', 'javascript:alert(1)', false],
    ['a file', 'file:///etc/passwd', false],
    ['the app page', RENDERER_URL, false],
    ['a card on another host', `stratus-card://evil/${id}`, false],
    ['a card id that is not one', 'stratus-card://card/../x', false],
    ['a card with a query', `stratus-card://card/${id}?x=1`, false],
    ['a card with credentials', `stratus-card://u:p@card/${id}`, false],
    ['nonsense', 'not a url', false],
  ])('stops %s', (_what, url, isMainFrame) => {
    expect(frameNavigationAllowed(url, isMainFrame)).toBe(false);
  });
});
