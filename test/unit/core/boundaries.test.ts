import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../harness/repo.js';

// electron/core and electron/storage are what the domains build on: the lint rule keeps them from
// importing any domain folder, and the tree as it is keeps to it.

const eslint = new ESLint({ cwd: repoRoot });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('core and storage boundaries', () => {
  it.each([
    ['electron/core/probe.ts', "import { MetaflowRuns } from '../metaflow/runs.js';\nexport const probe = MetaflowRuns;\n"],
    ['electron/core/workers/probe.ts', "import { migrateLater } from '../../index/migrations.js';\nexport const probe = migrateLater;\n"],
    ['electron/storage/probe.ts', "import type { Services } from '../services.js';\nexport type Probe = Services;\n"],
    ['electron/storage/probe.ts', "import { TransferEngine } from '../transfer/engine.js';\nexport const probe = TransferEngine;\n"],
  ])('%s may not import a domain: %s', async (filePath, code) => {
    expect(await restrictedImports(filePath, code)).toEqual([expect.stringMatching(/import no domain folder/)]);
  });

  it('lets a domain import core, and core import core, azure and shared', async () => {
    expect(await restrictedImports('electron/metaflow/probe.ts', "import { mapLimited } from '../core/limit.js';\nexport const probe = mapLimited;\n")).toEqual([]);
    const code = "import { Limiter } from '../limit.js';\nimport type { Env } from '../../azure/blob-client.js';\nimport type { Json } from '../../../shared/json.js';\nexport type Probe = [Limiter, Env, Json];\n";
    expect(await restrictedImports('electron/core/workers/probe.ts', code)).toEqual([]);
  });

  it('holds for every file in electron/core and electron/storage', async () => {
    const results = await eslint.lintFiles(['electron/core', 'electron/storage']);
    expect(results.length).toBeGreaterThan(5);
    expect(results.flatMap((r) => r.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => `${r.filePath}: ${m.message}`))).toEqual([]);
  });
});
