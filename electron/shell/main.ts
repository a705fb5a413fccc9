import { app, BrowserWindow, safeStorage } from 'electron';
import path from 'node:path';
import { grantEnvironmentStore } from '../local-access/environment-grants.js';
import { LocalGrants } from '../local-access/local-grants.js';
import { createServices } from '../services.js';
import { EncryptedFileVault, MemoryVault, type SecretVault } from '../workspace/secret-vault.js';
import { registerIpc } from './ipc-main.js';
import { listenForLinks } from './links.js';
import { chooseInDialog } from './local-dialog.js';
import { registerSchemes, serveSchemes } from './schemes.js';
import { hardenApp, hardenCommandLine } from './security.js';
import { createMainWindow } from './window.js';

// The thin Electron shell: one window over the same services browser mode and the CLI use.

app.enableSandbox();
hardenCommandLine();
registerSchemes();
if (!app.requestSingleInstanceLock()) app.quit();
const links = listenForLinks();

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
  // Local paths reach main only as the user's choice: an open dialog here, or a drop (see ipc-main.ts).
  const grants = new LocalGrants('Pick it with a "Choose…" button, or drop it onto the window.');
  const services = createServices({
    userDataDir,
    vault: secretVault(userDataDir),
    localIndex: true,
    localAccess: grants,
    // The dialog belongs to the window the user is in (the app has one).
    chooseLocal: (kind) => chooseInDialog(BrowserWindow.getFocusedWindow() ?? undefined, kind),
  });
  await Promise.all([services.settings.apply(), grantEnvironmentStore(grants, process.env)]);
  serveSchemes(services.cards);
  const window = createMainWindow(links.start);
  registerIpc(services, window);
  links.attach(window);
  // Quitting waits once for the services to end (transfers paused and journalled, worker threads stopped).
  let closed = false;
  app.on('will-quit', (event) => {
    if (closed) return;
    event.preventDefault();
    void services.close().finally(() => {
      closed = true;
      app.quit();
    });
  });
});

app.on('window-all-closed', () => app.quit());
