import { BrowserWindow } from 'electron';
import { fileURLToPath } from 'node:url';
import { RENDERER_URL } from '../desktop/app-scheme.js';

const PRELOAD = fileURLToPath(new URL('./preload.cjs', import.meta.url));

export function createMainWindow(): BrowserWindow {
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
  void window.loadURL(RENDERER_URL);
  return window;
}
