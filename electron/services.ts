import type { Env, IdentityProvider } from './azure/blob-client.js';
import { environmentCredentialKind } from './azure/blob-client.js';
import { createIdentityProvider } from './azure/identity.js';
import { CardRegistry } from './metaflow/card-registry.js';
import { listCards, readCard } from './metaflow/cards.js';
import { EventBus } from './ipc/event-bus.js';
import { createRouter, type Handlers, type Router } from './ipc/router.js';
import { SettingsStore } from './settings/settings-store.js';
import { defaultUserDataDir } from './user-data.js';
import { importWorkspaces } from './workspace/config-import.js';
import { MemoryVault, type SecretVault } from './workspace/secret-vault.js';
import { WorkspaceRegistry } from './workspace/workspace-registry.js';
import { savedWorkspaceInput } from './workspace/saved-input.js';
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

  const handlers: Handlers = {
    'workspace.defaults': () =>
      Promise.resolve({
        sysroot: env.METAFLOW_DATASTORE_SYSROOT_AZURE || undefined,
        endpoint: env.METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT || undefined,
        environmentCredential: environmentCredentialKind(env),
      }),
    'workspace.open': async (input) => {
      const info = await workspaces.connect(input);
      events.emit('workspace.opened', info);
      return info;
    },
    'workspace.list': async () => ({ workspaces: await saved.list(), secretsPersisted: saved.vault.persistent }),
    'workspace.save': (args) => saved.save(args),
    'workspace.remove': async ({ id }) => ({ removed: await saved.remove(id) }),
    'workspace.connect': async ({ id }) => {
      const { config, secret } = await saved.get(id);
      const info = await workspaces.connect(savedWorkspaceInput(config, secret), { savedId: id, name: config.name });
      events.emit('workspace.opened', info);
      return info;
    },
    'workspace.import': async () => ({ candidates: await importWorkspaces(env) }),
    'settings.get': () => settings.get(),
    'settings.set': (next) => settings.set(next),
    'metaflow.list': ({ workspaceId, ...path }) => workspaces.get(workspaceId).metaflow.list(path),
    'metaflow.runs': ({ workspaceId, flow }) => workspaces.get(workspaceId).indexed.list(flow),
    'metaflow.run': ({ workspaceId, flow, run }) => workspaces.get(workspaceId).indexed.detail(flow, run),
    'metaflow.task': async ({ workspaceId, ...ref }) => {
      const ws = workspaces.get(workspaceId);
      const [task, found] = await Promise.all([ws.runs.task(ref), listCards(ws.cards.store, ws.cards.prefix, ref)]);
      return { ...task, cards: found };
    },
    'metaflow.artifact': async ({ workspaceId, name, full, ...ref }) => workspaces.get(workspaceId).runs.artifact(ref, name, full === true),
    'metaflow.artifactFile': ({ workspaceId, name, format, ...ref }) => workspaces.get(workspaceId).runs.artifactFile(ref, name, format),
    'metaflow.logs': ({ workspaceId, stream, ...ref }) => workspaces.get(workspaceId).runs.logs(ref, stream),
    'metaflow.card': async ({ workspaceId, file, ...ref }) => {
      const ws = workspaces.get(workspaceId);
      return { cardId: cards.put(await readCard(ws.cards.store, ws.cards.prefix, ref, file)) };
    },
  };
  return { router: createRouter(handlers), events, workspaces, identity, settings, cards };
}

