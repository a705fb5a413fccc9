import { app, safeStorage } from 'electron';
import path from 'node:path';
import { createServices } from '../services.js';
import { EncryptedFileVault, MemoryVault, type SecretVault } from '../workspace/secret-vault.js';
import { registerIpc } from './ipc-main.js';
import { registerSchemes, serveSchemes } from './schemes.js';
import { hardenApp, hardenCommandLine } from './security.js';
import { createMainWindow } from './window.js';

// The thin Electron shell: one window over the same services browser mode and the CLI use.

app.enableSandbox();
hardenCommandLine();
registerSchemes();
if (!app.requestSingleInstanceLock()) app.quit();

/** Secrets encrypted by the OS keychain when it is available; otherwise kept in memory only. */
function secretVault(userDataDir: string): SecretVault {
  if (!safeStorage.isEncryptionAvailable()) return new MemoryVault();
  return new EncryptedFileVault(path.join(userDataDir, 'secrets.json'), {
    encrypt: (text) => safeStorage.encryptString(text),
    decrypt: (data) => safeStorage.decryptString(data),
  });
}

app.whenReady().then(async () => {
  await hardenApp();
  const userDataDir = app.getPath('userData');
  const services = createServices({ userDataDir, vault: secretVault(userDataDir), localIndex: true });
  await services.settings.apply();
  serveSchemes(services.cards);
  const window = createMainWindow();
  registerIpc(services, window);
  app.on('second-instance', () => {
    if (window.isMinimized()) window.restore();
    window.focus();
  });
});

app.on('window-all-closed', () => app.quit());
