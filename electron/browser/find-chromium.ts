import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

// The one place that decides which Chromium runs: the e2e suite drives it, and `npm start` opens browser
// mode in it as an app window when Electron is missing. Order: an explicit STRATUS_CHROMIUM, then a
// Chromium or Chrome installed on the system, then (only where a headless browser will do) the one that
// the @sparticuz/chromium devDependency ships, unpacked on first use. That last one is a headless shell:
// it cannot show a window, so the app never picks it.

export type ChromiumSource = 'STRATUS_CHROMIUM' | 'system' | 'packaged';

export interface Chromium {
  path: string;
  source: ChromiumSource;
  /** A headless-only build (the packaged shell): no window can be shown with it. */
  headlessOnly: boolean;
}

export interface FindChromiumOptions {
  /** Also accept the packaged headless shell (tests); the app window needs a real browser. */
  allowPackaged: boolean;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

const POSIX_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome'];

function systemCandidates(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string[] {
  if (platform === 'darwin') {
    return [
      '/Applications/Chromium.app/Contents/MacOS/Chromium',
      '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    ];
  }
  if (platform === 'win32') {
    const roots = [env.PROGRAMFILES, env['PROGRAMFILES(X86)'], env.LOCALAPPDATA].filter((root): root is string => !!root);
    return roots.flatMap((root) => [
      path.win32.join(root, 'Google', 'Chrome', 'Application', 'chrome.exe'),
      path.win32.join(root, 'Chromium', 'Application', 'chrome.exe'),
    ]);
  }
  const dirs = (env.PATH ?? '').split(path.delimiter).filter((dir) => path.isAbsolute(dir));
  return POSIX_NAMES.flatMap((name) => dirs.map((dir) => path.join(dir, name)));
}

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first Chromium found, or why there is none. */
export async function findChromium(options: FindChromiumOptions): Promise<Chromium | { missing: string }> {
  const env = options.env ?? process.env;
  const explicit = env.STRATUS_CHROMIUM;
  if (explicit) {
    if (isExecutableFile(explicit)) return { path: explicit, source: 'STRATUS_CHROMIUM', headlessOnly: false };
    return { missing: `STRATUS_CHROMIUM names ${explicit}, which is not an executable file` };
  }
  const system = systemCandidates(env, options.platform ?? process.platform).find(isExecutableFile);
  if (system) return { path: system, source: 'system', headlessOnly: false };
  if (!options.allowPackaged) return { missing: 'no Chromium or Chrome is installed (set STRATUS_CHROMIUM to one)' };
  try {
    const { default: packaged } = await import('@sparticuz/chromium');
    return { path: await packaged.executablePath(), source: 'packaged', headlessOnly: true };
  } catch (err) {
    return {
      missing:
        'no Chromium or Chrome is installed, and the packaged one (@sparticuz/chromium, a devDependency) could not be ' +
        `unpacked: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}
