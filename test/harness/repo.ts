import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The repository root, found from this file's location rather than the cwd, so the harness works
// whichever directory vitest (or a script) is started from.
function findRepoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${fileURLToPath(import.meta.url)}.`);
    dir = parent;
  }
}

export const repoRoot = findRepoRoot();

/** The shared Metaflow fixture set, which lives next to the repository. */
export const fixtureDir = path.resolve(repoRoot, '../shared/fixtures/metaflow-azure');
