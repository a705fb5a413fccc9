import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { StratusApi } from '../../shared/contract.js';

// The renderer's only door to main: `window.stratus`, typed by the contract in shared/.
// Sandboxed preloads cannot load other modules, so the IPC names are repeated here;
// shared/contract.ts (IPC_INVOKE, IPC_EVENT, IPC_GRANT_DROPPED) is their source.

const api: StratusApi = {
  invoke: (channel, args) => ipcRenderer.invoke('stratus:invoke', channel, args),
  on: (event, listener) => {
    const handler = (_e: Electron.IpcRendererEvent, name: unknown, payload: unknown) => {
      if (name === event) listener(payload as Parameters<typeof listener>[0]);
    };
    ipcRenderer.on('stratus:event', handler);
    return () => ipcRenderer.removeListener('stratus:event', handler);
  },
  // Only paths cross to the page, never file access: main reads dropped files itself. The paths are
  // granted to main from here, where the page cannot forge them: a File it made up has no path.
  host: {
    kind: 'electron',
    grantDropped: async (files) => {
      const paths = files.map((file) => webUtils.getPathForFile(file as File));
      await ipcRenderer.invoke('stratus:grant-dropped', paths.filter((p) => p !== ''));
      return paths;
    },
  },
};

contextBridge.exposeInMainWorld('stratus', api);
