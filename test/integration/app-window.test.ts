import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { until } from '../harness/transfer-files.js';
import { repoRoot } from '../harness/repo.js';

// `npm start` without Electron: with a display and a Chromium, browser mode opens in an app window that stops the
// host when it closes; without a display it prints the URL. The "Chromium" here is a script on PATH that records
// how it was started and stays up until it is killed, like a window the user closes.

let dir: string;
let launched: ChildProcess | undefined;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'stratus-app-window-'));
  const fake = path.join(dir, 'bin', 'chromium');
  await mkdir(path.dirname(fake));
  await writeFile(fake, `#!/bin/sh\necho $$ > "${dir}/pid"\nprintf '%s\\n' "$@" > "${dir}/args"\nexec sleep 60\n`);
  await chmod(fake, 0o755);
});
afterEach(async () => {
  launched?.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

function launch(extraEnv: Record<string, string>): { child: ChildProcess; output: () => string } {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(AZURE|METAFLOW|MLFLOW|STRATUS)_|^(DISPLAY|WAYLAND_DISPLAY)$/.test(key)) env[key] = value;
  }
  // Only the fake browser is on PATH, before the system's own folders (which hold no Chromium in CI).
  env.PATH = `${path.join(dir, 'bin')}:/usr/bin:/bin`;
  env.STRATUS_USER_DATA = path.join(dir, 'user-data');
  Object.assign(env, extraEnv);
  const child = spawn(process.execPath, [path.join(repoRoot, 'dist/electron/launch.js')], { cwd: repoRoot, env });
  launched = child;
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

const exitOf = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

describe.skipIf(!existsSync(path.join(repoRoot, 'dist/electron/launch.js')) || process.platform !== 'linux')('npm start without Electron', () => {
  it('opens browser mode in an app window with its own profile, and stops the host when the window closes', async () => {
    const { child, output } = launch({ DISPLAY: ':99' });
    await until(() => existsSync(path.join(dir, 'args')) && /app window/.test(output()), 'the app window');
    const args = (await readFile(path.join(dir, 'args'), 'utf8')).trim().split('\n');
    const app = args.find((arg) => arg.startsWith('--app=')) ?? '';
    expect(app).toMatch(/^--app=http:\/\/127\.0\.0\.1:\d+\//);
    expect(args).toContain(`--user-data-dir=${path.join(dir, 'user-data', 'browser-profile')}`);
    expect(args).toContain('--force-webrtc-ip-handling-policy=disable_non_proxied_udp');
    // The window's address serves the app.
    const page = await fetch(app.slice('--app='.length));
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<html/i);

    process.kill(Number((await readFile(path.join(dir, 'pid'), 'utf8')).trim()), 'SIGTERM');
    expect(await exitOf(child)).toBe(0);
  });

  it('prints the URL where there is no display, and starts no browser', async () => {
    const { child, output } = launch({});
    await until(() => /open http:\/\/127\.0\.0\.1:\d+\/[\w-]{32}\//.test(output()), 'the printed URL');
    expect(output()).toMatch(/no display/);
    expect(existsSync(path.join(dir, 'args'))).toBe(false);
    child.kill('SIGTERM');
    expect(await exitOf(child)).toBe(0);
  });
});
