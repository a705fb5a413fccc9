import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CARD_GUARD, guardCard } from '../../electron/metaflow/card-guard.js';
import { CardRegistry } from '../../electron/metaflow/card-registry.js';
import { listCards, readCard } from '../../electron/metaflow/cards.js';
import { createServices, type Services } from '../../electron/services.js';
import { startWebHost, type WebHost } from '../../electron/web/web-host.js';
import { WorkspaceInfo } from '../../shared/contract.js';
import { readFixtureBlobs, readManifest } from '../harness/metaflow-fixture.js';

// The shared fixture's real card (SimpleCardFlow, card root `<container>/cards`) found and read
// through a workspace on Azurite, then served by browser mode under the sandbox policy.

/** The sandbox policy for a card: its scripts run only as the guarded texts served (by hash). */
function sandboxPolicy(html: string): string {
  const scripts = guardCard(html).scriptHashes.map((hash) => `'${hash}'`);
  expect(scripts.length).toBeGreaterThan(0);
  return (
    `sandbox allow-scripts; default-src 'none'; script-src ${scripts.join(' ')}; style-src 'unsafe-inline'; img-src data: blob:; ` +
    "font-src data:; connect-src 'none'; webrtc 'block'; form-action 'none'; base-uri 'none'; frame-ancestors 'self'"
  );
}

const container = inject('container');
const CARD_TASK = { flow: 'SimpleCardFlow', run: '1795327249314482', step: 'start', task: '1' };

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

let services: Services;
let cardRoot: string;
let cardBlob: { name: string; body: Buffer };

beforeAll(async () => {
  const [manifest, blobs] = await Promise.all([readManifest(), readFixtureBlobs()]);
  // The manifest's card root with the container the harness loaded the fixture into.
  cardRoot = `${container}${manifest.card_azureroot.slice(manifest.card_azureroot.indexOf('/'))}`;
  const prefix = `${cardRoot.slice(container.length + 1)}/`;
  const names = manifest.blobs.map((b) => b.name).filter((n) => n.startsWith(prefix) && n.endsWith('.html'));
  expect(names).toHaveLength(1);
  cardBlob = { name: names[0], body: blobs.get(names[0]) ?? Buffer.alloc(0) };
  services = createServices({ env: { AZURE_STORAGE_CONNECTION_STRING: inject('connectionString') } });
});

async function openCards(): Promise<{ store: Parameters<typeof listCards>[0]; prefix: string }> {
  const reply = await services.router.dispatch('workspace.open', {
    sysroot: inject('sysroot'),
    endpoint: inject('endpoint'),
    credential: { kind: 'environment' },
    cardRoot,
  });
  if (!reply.ok) throw new Error(`workspace.open failed: ${reply.error.code} ${reply.error.message}`);
  return services.workspaces.get(WorkspaceInfo.parse(reply.value).id).cards;
}

describe('cards of the shared fixture on Azurite', () => {
  it('lists the SimpleCardFlow card under the card root and reads its HTML', async () => {
    const { store, prefix } = await openCards();
    const file = path.posix.basename(cardBlob.name);
    expect(await listCards(store, prefix, CARD_TASK)).toEqual([{ file, type: 'default', id: null }]);
    const html = await readCard(store, prefix, CARD_TASK, file);
    expect(html).toBe(cardBlob.body.toString('utf8'));
    expect(html).toContain('__MF_DATA__');
    expect(await listCards(store, prefix, { ...CARD_TASK, step: 'end', task: '2' })).toEqual([]);
  });
});

describe('browser mode serves cards', () => {
  let host: WebHost;
  let staticDir: string;
  let token: string;
  const cards = new CardRegistry();
  const own = () => ({ host: `127.0.0.1:${host.port}` });

  function get(pathAndQuery: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: host.port, path: pathAndQuery, headers, method }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  beforeAll(async () => {
    staticDir = await mkdtemp(path.join(tmpdir(), 'stratus-web-cards-'));
    await writeFile(path.join(staticDir, 'index.html'), '<!doctype html><title>Stratus</title>');
    host = await startWebHost({ services, staticDir, cards });
    token = new URL(host.url).pathname.split('/')[1];
  });

  afterAll(async () => {
    await host.close();
    await rm(staticDir, { recursive: true, force: true });
  });

  it('serves a registered card with the sandbox policy, by its id alone: the card’s address holds no launch token', async () => {
    const { store, prefix } = await openCards();
    const id = cards.put(await readCard(store, prefix, CARD_TASK, path.posix.basename(cardBlob.name)));
    const card = await get(`/cards/${id}`, own());
    const stored = cardBlob.body.toString('utf8');
    expect(card.status).toBe(200);
    // The card as Metaflow stored it, each of its scripts starting with the WebRTC guard.
    expect(card.body).not.toBe(stored);
    expect(card.body.replaceAll(CARD_GUARD, '')).toBe(stored);
    expect(card.headers['content-security-policy']).toBe(sandboxPolicy(stored));
    expect(card.headers['x-content-type-options']).toBe('nosniff');
    expect(card.headers['cache-control']).toBe('no-store');
    expect(card.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(card.headers['set-cookie']).toBeUndefined();

    const page = await get(`/${token}/`, own());
    expect(String(page.headers['content-security-policy'])).toContain("frame-src 'self' stratus-card:");
    expect((await get(`/cards/${id}`, own(), 'HEAD')).body).toBe('');
    // Under the token's prefix there are no cards: a card is never given an address holding the token.
    expect((await get(`/${token}/cards/${id}`, own())).status).toBe(404);
  });

  it('answers 403 to a foreign Host or Origin, 404 for unknown ids and 405 to other methods', async () => {
    const id = cards.put('<p>card</p>');
    expect((await get(`/cards/${id}`, { ...own(), origin: 'http://evil.example' })).status).toBe(403);
    expect((await get(`/cards/${id}`, { ...own(), origin: 'null' })).status).toBe(403);
    expect((await get(`/cards/${id}`, { host: `evil.example:${host.port}` })).status).toBe(403);
    for (const unknown of ['0'.repeat(32), `${id}x`, '', `${id}/..`, '..%2findex.html']) {
      const answer = await get(`/cards/${unknown}`, own());
      expect(answer.status, unknown).toBe(404);
      expect(answer.body).not.toContain('<p>card</p>');
    }
    expect((await get(`/cards/${id}`, own(), 'POST')).status).toBe(405);
    expect((await get(`/cards/${id}`, own())).status).toBe(200);
  });

  it('serves no cards when started without a registry', async () => {
    const bare = await startWebHost({ services, staticDir });
    try {
      const id = cards.put('<p>card</p>');
      const answer = await new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: bare.port, path: `/cards/${id}`, headers: { host: `127.0.0.1:${bare.port}` } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
      expect(answer).toBe(404);
    } finally {
      await bare.close();
    }
  });
});
