import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CardRegistry, cardContentSecurityPolicy } from '../../electron/metaflow/card-registry.js';
import { listCards, parseCardFileName, readCard } from '../../electron/metaflow/cards.js';
import { LocalObjectStore } from '../../electron/storage/local-object-store.js';
import { StratusError } from '../../shared/errors.js';

// Card discovery on a folder laid out as Metaflow's card root (LAYOUT.md §5), both path layouts,
// and the registry that hands the UI unguessable ids instead of paths.

const UUID = '654039f12611499ab439dd0b41fe8565';
const OLD_HASH = 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3';

describe('parseCardFileName', () => {
  it('reads the type and optional id of <type>[-<id>]-<hash>.html', () => {
    expect(parseCardFileName(`default-${UUID}.html`)).toEqual({ file: `default-${UUID}.html`, type: 'default', id: null });
    expect(parseCardFileName(`blank-summary-${UUID}.html`)).toEqual({ file: `blank-summary-${UUID}.html`, type: 'blank', id: 'summary' });
    expect(parseCardFileName(`default_json-${OLD_HASH}.html`)).toEqual({ file: `default_json-${OLD_HASH}.html`, type: 'default_json', id: null });
  });

  it('refuses anything else', () => {
    for (const name of [
      `default-${UUID}.data.json`,
      `default-${UUID}`,
      'default.html',
      `-${UUID}.html`,
      `a-b-c-${UUID}.html`,
      'default-nothex.html',
      `de fault-${UUID}.html`,
      `../default-${UUID}.html`,
      `x/default-${UUID}.html`,
      `default--${UUID}.html`,
    ]) {
      expect(parseCardFileName(name), name).toBeUndefined();
    }
  });
});

describe('cards in a folder card root', () => {
  let root: string;
  let store: LocalObjectStore;
  const task = { flow: 'CardFlow', run: '1795327249314482', step: 'start', task: '1' };
  const current = (t = task) => `mf.cards/${t.flow}/runs/${t.run}/steps/${t.step}/tasks/${t.task}`;
  const old = (t = task) => `mf.cards/${t.flow}/runs/${t.run}/tasks/${t.task}`;

  async function put(name: string, body: string): Promise<void> {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), body);
  }

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'stratus-cards-'));
    store = new LocalObjectStore(root);
    await put(`${current()}/cards/default-${UUID}.html`, '<p>default</p>');
    await put(`${current()}/cards/blank-summary-${UUID.replace('6', '7')}.html`, '<p>summary ✓</p>');
    await put(`${current()}/runtime/default-${UUID}.data.json`, '{"reload_token": "final", "data": {}}');
    await put(`${current()}/cards/notes.txt`, 'not a card');
    await put(`${old()}/cards/default-${OLD_HASH}.html`, '<p>old layout</p>');
    // The same file in both layouts is one card, read from the current layout.
    await put(`${old()}/cards/default-${UUID}.html`, '<p>stale copy</p>');
    // Other tasks' cards, in both layouts.
    await put(`${current({ ...task, task: '2' })}/cards/default-${UUID}.html`, '<p>task 2</p>');
    await put(`${current({ ...task, step: 'end' })}/cards/default-${UUID}.html`, '<p>end</p>');
    await put(`${old({ ...task, task: '11' })}/cards/default-${UUID}.html`, '<p>task 11</p>');
  });

  afterAll(() => rm(root, { recursive: true, force: true }));

  it("lists a task's cards from both layouts, and nothing else", async () => {
    expect(await listCards(store, 'mf.cards/', task)).toEqual([
      { file: `blank-summary-${UUID.replace('6', '7')}.html`, type: 'blank', id: 'summary' },
      { file: `default-${UUID}.html`, type: 'default', id: null },
      { file: `default-${OLD_HASH}.html`, type: 'default', id: null },
    ]);
    expect(await listCards(store, 'mf.cards/', { ...task, task: '11' })).toEqual([{ file: `default-${UUID}.html`, type: 'default', id: null }]);
    expect(await listCards(store, 'mf.cards/', { ...task, run: '1' })).toEqual([]);
    expect(await listCards(store, 'elsewhere/', task)).toEqual([]);
  });

  it('reads the HTML of a listed card', async () => {
    expect(await readCard(store, 'mf.cards/', task, `default-${UUID}.html`)).toBe('<p>default</p>');
    expect(await readCard(store, 'mf.cards/', task, `blank-summary-${UUID.replace('6', '7')}.html`)).toBe('<p>summary ✓</p>');
    expect(await readCard(store, 'mf.cards/', task, `default-${OLD_HASH}.html`)).toBe('<p>old layout</p>');
    expect(await readCard(store, 'mf.cards/', { ...task, step: 'end' }, `default-${UUID}.html`)).toBe('<p>end</p>');
  });

  it('refuses names that are not cards of this task', async () => {
    const code = (p: Promise<unknown>) => p.then(() => 'read', (err: unknown) => (err instanceof StratusError ? err.code : String(err)));
    expect(await code(readCard(store, 'mf.cards/', task, `../2/cards/default-${UUID}.html`))).toBe('INVALID_ARGUMENT');
    expect(await code(readCard(store, 'mf.cards/', task, `cards/default-${UUID}.html`))).toBe('INVALID_ARGUMENT');
    expect(await code(readCard(store, 'mf.cards/', task, 'notes.txt'))).toBe('INVALID_ARGUMENT');
    expect(await code(readCard(store, 'mf.cards/', task, `default-${UUID}.data.json`))).toBe('INVALID_ARGUMENT');
    expect(await code(readCard(store, 'mf.cards/', task, `default-${'0'.repeat(32)}.html`))).toBe('NOT_FOUND');
    expect(await code(readCard(store, 'mf.cards/', { ...task, task: '3' }, `default-${UUID}.html`))).toBe('NOT_FOUND');
  });
});

describe('CardRegistry', () => {
  it('gives each card a new random 128-bit id', () => {
    const registry = new CardRegistry();
    const ids = Array.from({ length: 20 }, () => registry.put('<p>same</p>'));
    expect(new Set(ids).size).toBe(20);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(registry.get(ids[3])).toBe('<p>same</p>');
    expect(registry.get('0'.repeat(32))).toBeUndefined();
    expect(registry.get('')).toBeUndefined();
  });

  it('keeps the most recently used cards within its count and size limits', () => {
    const registry = new CardRegistry({ maxCards: 3, maxBytes: 1000 });
    const a = registry.put('a');
    const b = registry.put('b');
    const c = registry.put('c');
    expect(registry.get(a)).toBe('a');
    const d = registry.put('d');
    expect([a, b, c, d].map((id) => registry.get(id))).toEqual(['a', undefined, 'c', 'd']);
    // 1 + 1 + 999 bytes is over the budget: the oldest goes (c), then the 1000 left fit.
    const big = registry.put('x'.repeat(999));
    expect([c, d].map((id) => registry.get(id))).toEqual([undefined, 'd']);
    expect(registry.get(big)).toHaveLength(999);
    // A card larger than the whole budget is still kept, alone, so that the one just opened shows.
    const huge = registry.put('y'.repeat(5000));
    expect(registry.size).toBe(1);
    expect(registry.get(huge)).toHaveLength(5000);
  });

  it('serves cards under a sandbox without same-origin and without network', () => {
    const policy = cardContentSecurityPolicy(['sha256-abc=']);
    expect(policy).toMatch(/^sandbox allow-scripts;/);
    expect(policy).not.toContain('allow-same-origin');
    expect(policy).toContain("connect-src 'none'");
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("webrtc 'block'");
    expect(policy).toContain("frame-ancestors 'self'");
    // Scripts only by hash: no 'unsafe-inline' that would let a srcdoc frame's script run unguarded.
    expect(policy).toContain("script-src 'sha256-abc=';");
    expect(policy).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(cardContentSecurityPolicy([])).toContain("script-src 'none';");
  });
});
