import type { Env, IdentityProvider } from './azure/blob-client.js';
import type { EventBus } from './ipc/event-bus.js';
import type { ChooseLocal } from './local-access/handlers.js';
import type { LocalAccess } from './local-access/local-grants.js';
import type { CardRegistry } from './metaflow/card-registry.js';
import type { SettingsStore } from './settings/settings-store.js';
import type { TransferEngine } from './transfer/engine.js';
import type { WorkspaceRegistry } from './workspace/workspace-registry.js';
import type { WorkspaceStore } from './workspace/workspace-store.js';

/** What every domain's IPC handlers may use; built once by createServices. */
export interface ServiceContext {
  env: Env;
  userDataDir: string;
  /** Keep local indexes and journals on disk (the app); the CLI and most tests do not. */
  localIndex: boolean;
  events: EventBus;
  identity: IdentityProvider;
  workspaces: WorkspaceRegistry;
  saved: WorkspaceStore;
  settings: SettingsStore;
  cards: CardRegistry;
  transfers: TransferEngine;
  /** The local paths the renderer may name: those the user chose in main. */
  localAccess: LocalAccess;
  chooseLocal: ChooseLocal;
}
