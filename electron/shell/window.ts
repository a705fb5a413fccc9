import { BrowserWindow } from 'electron';
import { fileURLToPath } from 'node:url';
import type { Route } from '../../shared/routing/route.js';
import { rendererUrlFor } from '../desktop/renderer-route.js';

const PRELOAD = fileURLToPath(new URL('./preload.cjs', import.meta.url));

/** The app's window, opened at `start` (a stratus:// link's route) or at the workspaces. */
export function createMainWindow(start?: Route): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    title: 'Stratus',
    show: false,
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(rendererUrlFor(start));
  return window;
}
