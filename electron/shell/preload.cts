import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { StratusApi } from '../../shared/contract.js';

// The renderer's only door to main: `window.stratus`, typed by the contract in shared/.
// Sandboxed preloads cannot load other modules, so the two IPC names are repeated here;
// shared/contract.ts (IPC_INVOKE, IPC_EVENT) is their source.

const api: StratusApi = {
  invoke: (channel, args) => ipcRenderer.invoke('stratus:invoke', channel, args),
  on: (event, listener) => {
    const handler = (_e: Electron.IpcRendererEvent, name: unknown, payload: unknown) => {
      if (name === event) listener(payload as Parameters<typeof listener>[0]);
    };
    ipcRenderer.on('stratus:event', handler);
    return () => ipcRenderer.removeListener('stratus:event', handler);
  },
  // Only the path crosses to the page (and then to main), never file access: main reads dropped files itself.
  host: { kind: 'electron', pathForFile: (file) => webUtils.getPathForFile(file as File) },
};

contextBridge.exposeInMainWorld('stratus', api);
