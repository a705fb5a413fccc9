import type { Env } from './azure/blob-client.js';
import { environmentCredentialKind } from './azure/blob-client.js';
import { EventBus } from './ipc/event-bus.js';
import { createRouter, type Handlers, type Router } from './ipc/router.js';
import { WorkspaceRegistry } from './workspace/workspace-registry.js';

// Composition root: the services every front end (Electron window, browser mode, CLI) shares.

export interface Services {
  router: Router;
  events: EventBus;
  workspaces: WorkspaceRegistry;
}

export function createServices(env: Env = process.env): Services {
  const events = new EventBus();
  const workspaces = new WorkspaceRegistry(env);
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
    'metaflow.list': ({ workspaceId, ...path }) => workspaces.get(workspaceId).metaflow.list(path),
  };
  return { router: createRouter(handlers), events, workspaces };
}
