import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GcJournal } from '../../electron/gc/journal.js';
import { IndexStore } from '../../electron/index/index-store.js';
import { PriceStore } from '../../electron/mlflow/tokens/price-store.js';
import { UsageCache } from '../../electron/mlflow/tokens/usage-cache.js';
import { TransferJournal } from '../../electron/transfer/journal.js';

// The app's own sqlite files name the user's containers, blobs, runs and transfers: like
// workspaces.json, they (and their -wal/-shm companions) are readable by their owner only, whatever
// the umask lets SQLite create.

const POSIX = process.platform !== 'win32';

interface Closable {
  close(): void;
}

/** Each store opened on `file` and written to once, so its WAL files exist. */
const STORES: [string, (file: string) => Closable][] = [
  ['transfers.db', (file) => new TransferJournal(file)],
  ['gc.db', (file) => GcJournal.open(file)],
  ['a Metaflow index', (file) => IndexStore.open(file)],
  ['the token usage cache', (file) => UsageCache.open(file)],
  [
    'the token price table',
    (file) => {
      const prices = new PriceStore(file);
      prices.set([{ model: 'm', inputPer1M: 1, outputPer1M: 2 }]);
      return prices;
    },
  ],
];

let dir: string;
let umask: number;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'stratus-private-db-'));
  umask = process.umask(0o022);
});
afterEach(() => {
  process.umask(umask);
  rmSync(dir, { recursive: true, force: true });
});

function modes(file: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(file + suffix)) found[path.basename(file + suffix)] = (statSync(file + suffix).mode & 0o777).toString(8);
  }
  return found;
}

describe.skipIf(!POSIX)('sqlite files of the app', () => {
  it.each(STORES)('%s is created 0600, with its WAL files', (_name, open) => {
    const file = path.join(dir, 'nested', 'store.db');
    const store = open(file);
    try {
      const found = modes(file);
      expect(found['store.db']).toBe('600');
      expect(Object.values(found).every((mode) => mode === '600')).toBe(true);
    } finally {
      store.close();
    }
  });

  it.each(STORES)('%s left world-readable by an earlier version is narrowed on open', (_name, open) => {
    const file = path.join(dir, 'store.db');
    writeFileSync(file, '', { mode: 0o644 });
    open(file).close();
    expect(modes(file)).toEqual({ 'store.db': '600' });
  });
});
