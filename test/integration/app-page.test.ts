import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../electron/services.js';
import { startWebHost, type WebHost } from '../../electron/web/web-host.js';
import { repoRoot } from '../harness/repo.js';

// The built page as browser mode serves it: everything it links to is there (a missing icon is a 404 on every load).

const RENDERER = path.join(repoRoot, 'dist/renderer');

describe.skipIf(!existsSync(path.join(RENDERER, 'index.html')))('the built app page', () => {
  let services: Services;
  let host: WebHost;
  beforeAll(async () => {
    services = createServices({ env: {} });
    host = await startWebHost({ services, staticDir: RENDERER });
  });
  afterAll(async () => {
    await host.close();
    await services.close();
  });

  it('declares an icon that the host serves as an image', async () => {
    const page = await (await fetch(host.url)).text();
    const href = /<link rel="icon"[^>]*href="([^"]+)"/.exec(page)?.[1];
    expect(href, 'the page links an icon').toBeDefined();
    const icon = await fetch(new URL(href ?? '', host.url));
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
  });
});
