import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { IPC_EVENT, IPC_INVOKE } from '../../shared/contract.js';
import type { Services } from '../services.js';
import { RENDERER_URL } from '../desktop/app-scheme.js';

/** Only our own window, showing our own page, may call main. */
function trustedSender(event: IpcMainInvokeEvent, window: BrowserWindow): boolean {
  return event.sender === window.webContents && event.senderFrame?.url === RENDERER_URL;
}

export function registerIpc(services: Services, window: BrowserWindow): void {
  ipcMain.handle(IPC_INVOKE, (event, channel: unknown, args: unknown) => {
    if (!trustedSender(event, window)) {
      return { ok: false, error: { code: 'FORBIDDEN', message: 'IPC from an untrusted frame was refused.' } };
    }
    return services.router.dispatch(channel, args);
  });
  services.events.subscribe((event, payload) => {
    if (!window.isDestroyed()) window.webContents.send(IPC_EVENT, event, payload);
  });
}
