import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { z } from 'zod';
import { IPC_EVENT, IPC_GRANT_DROPPED, IPC_INVOKE } from '../../shared/contract.js';
import { LocalPath } from '../../shared/schemas/transfer.js';
import type { Services } from '../services.js';
import { isRendererUrl } from '../desktop/renderer-route.js';

/** Only our own window, showing our own page (at whatever route its hash holds), may call main. */
function trustedSender(event: IpcMainInvokeEvent, window: BrowserWindow): boolean {
  return event.sender === window.webContents && isRendererUrl(event.senderFrame?.url);
}

/** The paths preload found for dropped files (the page cannot send these: it only reaches `stratus:invoke`). */
const DroppedPaths = z.array(LocalPath).max(100_000);

export function registerIpc(services: Services, window: BrowserWindow): void {
  ipcMain.handle(IPC_GRANT_DROPPED, async (event, paths: unknown) => {
    const parsed = DroppedPaths.safeParse(paths);
    if (!trustedSender(event, window) || !parsed.success) return;
    // A file gone since the drop is not granted; its upload is then refused with the reason.
    await Promise.all(parsed.data.map((dropped) => services.localAccess.grant(dropped).catch(() => undefined)));
  });
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
