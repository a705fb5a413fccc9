import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { numberedName, safeRelativeSegments, safeSegment } from '../../electron/transfer/safe-path.js';
import { downloadBase, downloadTarget, uploadBlobName } from '../../electron/transfer/transfer-plan.js';

// Blob names are untrusted input: whatever a container holds, a download writes only inside the
// folder the user chose, with names every OS accepts.

const FOLDER = path.resolve('/tmp/stratus-dl/target');

const HOSTILE = [
  '../escape.txt',
  '../../../../etc/passwd',
  'a/../../escape.txt',
  'a/b/../../../escape',
  '..',
  '/etc/passwd',
  '//server/share/x',
  'C:/Windows/system32/x.dll',
  'C:\\Windows\\evil.dll',
  '..\\..\\evil.txt',
  'a\\..\\..\\b',
  'D:evil',
  'con',
  'CON.txt',
  'nul',
  'com1.log',
  'LPT9',
  'aux.tar.gz',
  'trailing.',
  'trailing ',
  'name\u0000null',
  'tab\tname',
  'new\nline',
  'esc\u001b[31m',
  'ques?tion*star<>|"',
  './././x',
  'a//b///c',
  `${'x'.repeat(300)}.bin`,
  '',
  '/',
  '.',
];

function inside(file: string): boolean {
  const rel = path.relative(FOLDER, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

describe('download paths from hostile blob names', () => {
  it('lands every accepted name inside the folder, and refuses the rest with a reason', () => {
    for (const name of HOSTILE) {
      for (const prefix of [undefined, '', 'a/']) {
        const target = downloadTarget(FOLDER, name, prefix);
        if (target.ok) {
          expect(inside(target.filePath), `${JSON.stringify(name)} → ${target.filePath}`).toBe(true);
          const segments = path.relative(FOLDER, target.filePath).split(path.sep);
          for (const segment of segments) {
            // eslint-disable-next-line no-control-regex -- control characters are what is checked for
            expect(segment).not.toMatch(/[\u0000-\u001f<>:"|?*\\]/);
            expect(segment).not.toMatch(/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i);
            expect(segment).not.toMatch(/[. ]$/);
            expect(['', '.', '..']).not.toContain(segment);
          }
        } else {
          expect(target.reason).toMatch(/was not downloaded/);
        }
      }
    }
  });

  it('refuses ".." segments rather than guessing', () => {
    expect(downloadTarget(FOLDER, '../escape.txt', '').ok).toBe(false);
    expect(downloadTarget(FOLDER, 'a/../../escape.txt', '').ok).toBe(false);
    expect(safeRelativeSegments('x/..').ok).toBe(false);
  });

  it('makes OS-forbidden names safe, keeping them recognisable', () => {
    expect(safeSegment('CON.txt')).toBe('_CON.txt');
    expect(safeSegment('a:b?.csv')).toBe('a_b_.csv');
    expect(safeSegment('end.')).toBe('end_');
    expect(downloadTarget(FOLDER, '/etc/passwd', '').filePath).toBe(path.join(FOLDER, 'etc', 'passwd'));
    expect(downloadTarget(FOLDER, 'C:/Windows/x.dll', '').filePath).toBe(path.join(FOLDER, 'C_', 'Windows', 'x.dll'));
  });

  it('puts a prefix download under the prefix folder, and a picked blob by its own name', () => {
    expect(downloadBase('data/images/')).toBe('data/');
    expect(downloadTarget(FOLDER, 'data/images/cat.png', 'data/images/').filePath).toBe(path.join(FOLDER, 'images', 'cat.png'));
    expect(downloadTarget(FOLDER, 'data/images/cat.png', undefined).filePath).toBe(path.join(FOLDER, 'cat.png'));
  });
});

describe('upload names', () => {
  it('join the prefix with one separator', () => {
    expect(uploadBlobName('', 'a/b.txt')).toBe('a/b.txt');
    expect(uploadBlobName('x', 'b.txt')).toBe('x/b.txt');
    expect(uploadBlobName('x/', 'b.txt')).toBe('x/b.txt');
    expect(() => uploadBlobName('p/', 'x'.repeat(1030))).toThrow(/1,024/);
  });

  it('number a kept copy before its extension', () => {
    expect(numberedName('dir/report.csv', 1)).toBe('dir/report (1).csv');
    expect(numberedName('archive.tar.gz', 2)).toBe('archive.tar (2).gz');
    expect(numberedName('.env', 1)).toBe('.env (1)');
    expect(numberedName('README', 3)).toBe('README (3)');
  });
});
