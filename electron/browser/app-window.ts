import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { WEBRTC_IP_HANDLING_POLICY } from '../desktop/network-lockdown.js';
import { findChromium } from './find-chromium.js';

// `npm start` without Electron: browser mode in its own Chromium app window (no tabs, no address bar), with a
// profile folder of its own inside the user-data folder so it never touches the user's browser profile.

/** Whether a window can be shown: Linux needs an X or Wayland display; macOS and Windows always have one. */
export function hasDisplay(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): boolean {
  if (platform !== 'linux' && platform !== 'freebsd' && platform !== 'openbsd') return true;
  return !!(env.DISPLAY || env.WAYLAND_DISPLAY);
}

export function appWindowArgs(url: string, userDataDir: string, runningAsRoot: boolean): string[] {
  return [
    `--app=${url}`,
    `--user-data-dir=${path.join(userDataDir, 'browser-profile')}`,
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-sync',
    // The app needs no WebRTC; a card that tried it anyway (past its guard) could send no UDP.
    `--force-webrtc-ip-handling-policy=${WEBRTC_IP_HANDLING_POLICY}`,
    // Chromium refuses to start its sandbox as root; only then is it turned off.
    ...(runningAsRoot ? ['--no-sandbox'] : []),
  ];
}

export interface AppWindow {
  browser: string;
  /** Closes the window (the host is stopping). */
  close(): void;
}

/**
 * Opens `url` in an app window, or says why it cannot. `onClosed` runs when the user closes the window, so the
 * host can stop with it.
 */
export async function openAppWindow(
  url: string,
  userDataDir: string,
  onClosed: () => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<AppWindow | { missing: string }> {
  if (!hasDisplay(env)) return { missing: 'no display (DISPLAY or WAYLAND_DISPLAY is not set)' };
  const chromium = await findChromium({ allowPackaged: false, env });
  if ('missing' in chromium) return chromium;
  const child: ChildProcess = spawn(chromium.path, appWindowArgs(url, userDataDir, process.getuid?.() === 0), {
    stdio: 'ignore',
    env,
  });
  let closing = false;
  child.on('exit', () => {
    if (!closing) onClosed();
  });
  child.on('error', () => {
    if (!closing) onClosed();
  });
  return {
    browser: chromium.path,
    close() {
      closing = true;
      child.kill();
    },
  };
}
