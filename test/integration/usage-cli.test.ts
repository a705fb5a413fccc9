import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDatastore } from '../../electron/sample/metaflow-datastore.js';
import { repoRoot } from '../harness/repo.js';

// `stratus usage --local <folder> --json`, run from source as a user would: its flow figures against
// sizes this test adds up from the folder itself.

const run = promisify(execFile);
let folder: string;
let userData: string;

async function files(dir: string): Promise<{ rel: string; size: number }[]> {
  const out: { rel: string; size: number }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    out.push({ rel: path.relative(dir, full).split(path.sep).join('/'), size: (await stat(full)).size });
  }
  return out;
}

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'stratus-usage-cli-'));
  userData = await mkdtemp(path.join(tmpdir(), 'stratus-usage-cli-ud-'));
  await generateDatastore({ folder }, { flow: 'CliFlow', runs: 4 });
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
  await rm(userData, { recursive: true, force: true });
});

describe('stratus usage', () => {
  it('prints per-flow figures as JSON that add up to the folder', { timeout: 120_000 }, async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'electron/cli/main.ts', 'usage', '--local', folder, '--json'], {
      cwd: repoRoot,
      env: { ...process.env, STRATUS_USER_DATA: userData },
    });
    const out = JSON.parse(stdout) as { level: string; rows: Record<string, number | string>[] };
    expect(out.level).toBe('flows');
    const all = await files(folder);
    const cas = all.filter((f) => /^CliFlow\/data\/[0-9a-f]{2}\/[0-9a-f]{40}$/.test(f.rel));
    const logs = all.filter((f) => f.rel.startsWith('CliFlow/') && f.rel.endsWith('.log'));
    const runs = new Set(all.map((f) => f.rel.split('/')[1]).filter((r) => r !== 'data'));
    const [flow] = out.rows;
    expect(flow.name).toBe('CliFlow');
    expect(flow.runs).toBe(runs.size);
    expect(Number(flow.uniqueBytes) + Number(flow.sharedBytes) + Number(flow.unreferencedBytes)).toBe(cas.reduce((s, f) => s + f.size, 0));
    expect(flow.logBytes).toBe(logs.reduce((s, f) => s + f.size, 0));
    expect(flow.gcWouldFreeBytes).toBe(0);
  });
});
