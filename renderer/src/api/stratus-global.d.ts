import type { StratusApi } from '../../../shared/contract.js';

// Electron's preload exposes the API here; in browser mode it is absent.
declare global {
  interface Window {
    stratus?: StratusApi;
  }
}

export {};
