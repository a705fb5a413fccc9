import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findChromium } from '../../electron/browser/find-chromium.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'stratus-chromium-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function executable(name: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, '#!/bin/sh\n');
  await chmod(file, 0o755);
  return file;
}

describe('findChromium', () => {
  it('takes STRATUS_CHROMIUM first, before a system browser on PATH', async () => {
    const explicit = await executable('my-chrome');
    await executable('chromium');
    const found = await findChromium({ allowPackaged: false, platform: 'linux', env: { STRATUS_CHROMIUM: explicit, PATH: dir } });
    expect(found).toEqual({ path: explicit, source: 'STRATUS_CHROMIUM', headlessOnly: false });
  });

  it('says why when STRATUS_CHROMIUM names something that cannot run', async () => {
    const file = path.join(dir, 'not-executable');
    await writeFile(file, '');
    const found = await findChromium({ allowPackaged: true, platform: 'linux', env: { STRATUS_CHROMIUM: file, PATH: dir } });
    expect(found).toEqual({ missing: expect.stringContaining('not an executable file') });
  });

  it('finds a system Chromium or Chrome on PATH, skipping non-executable files', async () => {
    await writeFile(path.join(dir, 'chromium'), '');
    const chrome = await executable('google-chrome');
    const found = await findChromium({ allowPackaged: false, platform: 'linux', env: { PATH: dir } });
    expect(found).toEqual({ path: chrome, source: 'system', headlessOnly: false });
  });

  it('never offers the packaged headless shell where a window is needed', async () => {
    const found = await findChromium({ allowPackaged: false, platform: 'linux', env: { PATH: dir } });
    expect(found).toEqual({ missing: expect.stringMatching(/no Chromium or Chrome is installed/) });
  });

  it('falls back to the packaged Chromium that npm install brings, and it is a real file', async () => {
    const found = await findChromium({ allowPackaged: true, platform: 'linux', env: { PATH: dir } });
    if ('missing' in found) throw new Error(found.missing);
    expect(found.source).toBe('packaged');
    expect(found.headlessOnly).toBe(true);
    expect(path.isAbsolute(found.path)).toBe(true);
  });
});
