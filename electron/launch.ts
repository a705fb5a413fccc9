import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { RENDERER_DIR, APP_ROOT } from './paths.js';
import { ALLOWED_FOLDERS_VARIABLE, browserModeGrants } from './local-access/allowed-folders.js';
import { grantEnvironmentStore } from './local-access/environment-grants.js';
import { createServices } from './services.js';
import { startWebHost } from './web/web-host.js';
import { openAppWindow, type AppWindow } from './browser/app-window.js';

// `npm start`: the desktop window when the Electron runtime is installed, else browser mode.
// `npm run web` (--web): always browser mode, URL printed only. Browser mode from `npm start` opens in a Chromium app
// window where there is a display and a Chromium; closing that window stops the host.

/** Path of the Electron binary, or the reason there is none. In Node, the electron package exports that path. */
function electronBinary(): { path: string } | { missing: string } {
  try {
    const resolved: unknown = createRequire(import.meta.url)('electron');
    return typeof resolved === 'string' ? { path: resolved } : { missing: 'the electron package did not name a binary' };
  } catch (err) {
    const code = (err as { code?: string }).code;
    return { missing: code === 'MODULE_NOT_FOUND' ? 'the electron package is not installed' : (err as Error).message.split('\n')[0] };
  }
}

async function serveBrowserMode(withWindow: boolean): Promise<void> {
  const { grants, refused } = await browserModeGrants(process.env);
  await grantEnvironmentStore(grants, process.env);
  for (const reason of refused) console.log(`${ALLOWED_FOLDERS_VARIABLE}: ${reason}`);
  const folders = grants.list();
  console.log(
    folders.length > 0
      ? `Local folders this host may read and write (${ALLOWED_FOLDERS_VARIABLE}): ${folders.join(', ')}`
      : `No local folder for downloads or local workspaces: set ${ALLOWED_FOLDERS_VARIABLE} to allow some.`,
  );
  const services = createServices({ localIndex: true, localAccess: grants });
  await services.settings.apply();
  const host = await startWebHost({ services, staticDir: RENDERER_DIR, cards: services.cards });
  let window: AppWindow | undefined;
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    window?.close();
    // Running transfers pause and are journalled, index and MLflow threads end, before the process does.
    host
      .close()
      .then(() => services.close())
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  if (withWindow) {
    const opened = await openAppWindow(host.url, services.userDataDir, stop);
    if ('browser' in opened) {
      window = opened;
      console.log(`Stratus browser mode in an app window of ${opened.browser}; close it (or press Ctrl+C) to stop.`);
      return;
    }
    console.log(`No app window (${opened.missing}).`);
  }
  console.log(`Stratus browser mode: open ${host.url}`);
}

async function main(): Promise<void> {
  if (process.argv.includes('--web')) return serveBrowserMode(false);
  const electron = electronBinary();
  if ('missing' in electron) {
    console.log(
      `No Electron runtime (${electron.missing}; its binary is downloaded by npm install and that needs network): ` +
        'to get the desktop window set HTTPS_PROXY or ELECTRON_MIRROR and run `npm install electron`; serving browser mode instead.',
    );
    return serveBrowserMode(true);
  }
  const child = spawn(electron.path, [APP_ROOT], { stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

main().catch((err: unknown) => {
  console.error(`stratus: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
