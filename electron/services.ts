import type { Env, IdentityProvider } from './azure/blob-client.js';
import { createIdentityProvider } from './azure/identity.js';
import { CardRegistry } from './metaflow/card-registry.js';
import { metaflowHandlers } from './metaflow/handlers.js';
import type { ServiceContext } from './service-context.js';
import { workspaceHandlers } from './workspace/handlers.js';
import { EventBus } from './ipc/event-bus.js';
import { createRouter, type Handlers, type Router } from './ipc/router.js';
import { SettingsStore } from './settings/settings-store.js';
import { defaultUserDataDir } from './user-data.js';
import { MemoryVault, type SecretVault } from './workspace/secret-vault.js';
import { WorkspaceRegistry } from './workspace/workspace-registry.js';
import { WorkspaceStore } from './workspace/workspace-store.js';

// Composition root: the services every front end (Electron window, browser mode, CLI) shares.

export interface Services {
  router: Router;
  events: EventBus;
  workspaces: WorkspaceRegistry;
  identity: IdentityProvider;
  settings: SettingsStore;
  cards: CardRegistry;
}

export interface ServiceOptions {
  env?: Env;
  userDataDir?: string;
  /** Electron passes a safeStorage-backed vault; elsewhere secrets stay in memory. */
  vault?: SecretVault;
  identity?: IdentityProvider;
  /** Keep a local index of what was read (the app); the CLI and most tests read the datastore every time. */
  localIndex?: boolean;
}

export function createServices(options: ServiceOptions = {}): Services {
  const env = options.env ?? process.env;
  const userDataDir = options.userDataDir ?? defaultUserDataDir(env);
  const identity = options.identity ?? createIdentityProvider();
  const events = new EventBus();
  const indexDir = options.localIndex ? userDataDir : undefined;
  const workspaces = new WorkspaceRegistry(env, identity, indexDir, (workspaceId, flow) =>
    events.emit('metaflow.runsChanged', { workspaceId, flow }),
  );
  const saved = new WorkspaceStore(userDataDir, options.vault ?? new MemoryVault());
  const settings = new SettingsStore(userDataDir);
  const cards = new CardRegistry();

  const context: ServiceContext = { env, userDataDir, localIndex: options.localIndex === true, events, identity, workspaces, saved, settings, cards };
  // One spread per domain; a channel without a handler fails to compile here.
  const handlers: Handlers = {
    ...workspaceHandlers(context),
    ...metaflowHandlers(context),
  };
  return { router: createRouter(handlers), events, workspaces, identity, settings, cards };
}

