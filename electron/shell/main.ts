import { app } from 'electron';
import { createServices } from '../services.js';
import { registerIpc } from './ipc-main.js';
import { hardenApp } from './security.js';
import { createMainWindow } from './window.js';

// The thin Electron shell: one window over the same services browser mode and the CLI use.

app.enableSandbox();
if (!app.requestSingleInstanceLock()) app.quit();

app.whenReady().then(() => {
  hardenApp();
  const services = createServices();
  const window = createMainWindow();
  registerIpc(services, window);
  app.on('second-instance', () => {
    if (window.isMinimized()) window.restore();
    window.focus();
  });
});

app.on('window-all-closed', () => app.quit());
