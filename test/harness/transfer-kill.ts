import { spawn } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { repoRoot } from './repo.js';

// Kill tests' helpers: the transfer engine in a child process (transfer-child.ts) killed with SIGKILL
// once its journal counts enough staged blocks, and the JSON lines it prints when it finishes.

const CHILD = path.join(repoRoot, 'test/harness/transfer-child.ts');

export interface ChildResult {
  unfinished?: { restartReason: string | null; bytesStaged: number }[];
  jobs: { state: string; error: unknown; restartReason: string | null }[];
  stats: { putBlock: number; commitBlockList: number; rangeGet: number };
}

/** Where the child sends its requests. */
export interface ChildService {
  connectionString: string;
  endpoint: string;
  container: string;
}

export function transferChild(service: ChildService, mode: string, file: string, blob: string, journal: string) {
  const args = [CHILD, mode, service.connectionString, service.endpoint, journal, file, service.container, blob];
  const proc = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  return { proc, exited, output: () => out, errors: () => err };
}

export function stagedInJournal(journal: string): number {
  try {
    const db = new Database(journal, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM blocks').get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return 0;
  }
}

export async function killMidway(service: ChildService, file: string, blob: string, journal: string, mode = 'start', staged = 3): Promise<void> {
  const first = transferChild(service, mode, file, blob, journal);
  const deadline = Date.now() + 60_000;
  while (stagedInJournal(journal) < staged) {
    if (Date.now() > deadline) throw new Error(`no blocks staged in time: ${first.errors()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  first.proc.kill('SIGKILL');
  expect((await first.exited).signal).toBe('SIGKILL');
}

export function lastLine(text: string): ChildResult {
  const lines = text.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as ChildResult;
}
