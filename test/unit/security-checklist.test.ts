import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../harness/repo.js';

// README's Electron security checklist names, per item, the file that enforces it; electron-builder.yml
// holds the fuses. Both are only true while those files exist and those fuses stay set.

const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');

function checklistRows(): { number: string; item: string; files: string[] }[] {
  const start = readme.indexOf('### Electron security checklist');
  expect(start).toBeGreaterThan(-1);
  const rows = readme
    .slice(start)
    .split('\n')
    .filter((line) => /^\| (\d+|\+) \|/.test(line));
  return rows.map((row) => {
    const cells = row.split('|').map((cell) => cell.trim());
    return { number: cells[1], item: cells[2], files: [...cells[4].matchAll(/`([^`]+)`/g)].map((m) => m[1]).filter((f) => f.includes('/') || f.includes('.')) };
  });
}

/** `key: value` lines of a top-level YAML mapping (electron-builder.yml's are flat). */
function yamlBlock(text: string, key: string): Record<string, string> {
  const lines = text.split('\n');
  const at = lines.indexOf(`${key}:`);
  expect(at).toBeGreaterThan(-1);
  const entries: Record<string, string> = {};
  for (const line of lines.slice(at + 1)) {
    const entry = /^ {2}(\w+): (\S+)$/.exec(line);
    if (entry === null) break;
    entries[entry[1]] = entry[2];
  }
  return entries;
}

describe('Electron security checklist', () => {
  it('has a line for each of the 20 items, each naming files that exist', () => {
    const rows = checklistRows();
    // Electron's 20 items, numbered 1 to 20, and the app's own additions marked "+".
    expect(rows.filter((row) => row.number !== '+').map((row) => Number(row.number))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(rows.some((row) => row.number === '+')).toBe(true);
    for (const { item, files } of rows) {
      expect(files.length, item).toBeGreaterThan(0);
      for (const file of files) expect(existsSync(path.join(repoRoot, file)), `${item}: ${file}`).toBe(true);
    }
  });

  it('sets the fuses in electron-builder.yml', () => {
    expect(yamlBlock(readFileSync(path.join(repoRoot, 'electron-builder.yml'), 'utf8'), 'electronFuses')).toEqual({
      runAsNode: 'false',
      enableNodeOptionsEnvironmentVariable: 'false',
      enableNodeCliInspectArguments: 'false',
      onlyLoadAppFromAsar: 'true',
      enableEmbeddedAsarIntegrityValidation: 'true',
      enableCookieEncryption: 'true',
      grantFileProtocolExtraPrivileges: 'false',
    });
  });
});
