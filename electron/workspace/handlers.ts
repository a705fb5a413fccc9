import { environmentCredentialKind, type Env } from '../azure/blob-client.js';
import type { EventBus } from '../ipc/event-bus.js';
import type { HandlersFor } from '../ipc/router.js';
import type { LocalAccess } from '../local-access/local-grants.js';
import { allowWorkspacePaths } from '../local-access/workspace-paths.js';
import type { SettingsStore } from '../settings/settings-store.js';
import type { WorkspaceChannel } from '../../shared/channels/workspace.js';
import { importedServiceSecrets, importWorkspaces } from './config-import.js';
import { savedWorkspaceInput } from './saved-input.js';
import type { SampleWorkspaces } from './sample-workspaces.js';
import type { WorkspaceRegistry } from './workspace-registry.js';
import type { WorkspaceStore } from './workspace-store.js';

export interface WorkspaceDeps {
  env: Env;
  events: EventBus;
  workspaces: WorkspaceRegistry;
  saved: WorkspaceStore;
  samples: SampleWorkspaces;
  settings: SettingsStore;
  localAccess: LocalAccess;
  /** Deletes what other domains keep for a saved workspace once it is removed (its prices, its trace caches). */
  forgetSaved: (savedId: string) => Promise<void>;
}

export function workspaceHandlers({ env, events, workspaces, saved, samples, settings, localAccess, forgetSaved }: WorkspaceDeps): HandlersFor<WorkspaceChannel> {
  return {
    'workspace.defaults': () =>
      Promise.resolve({
        sysroot: env.METAFLOW_DATASTORE_SYSROOT_AZURE || undefined,
        endpoint: env.METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT || undefined,
        environmentCredential: environmentCredentialKind(env),
      }),
    'workspace.open': async (input) => {
      await allowWorkspacePaths(localAccess, input);
      const info = await workspaces.connect(await withImportedSecrets(input, env));
      events.emit('workspace.opened', info);
      return info;
    },
    'workspace.list': async () => ({ workspaces: await saved.list(), secretsPersisted: saved.vault.persistent }),
    'workspace.save': async (args) => {
      const before = args.id === undefined ? undefined : await saved.get(args.id).then(({ config }) => config, () => undefined);
      await allowWorkspacePaths(localAccess, args.config, before);
      const { serviceSecretsFrom, ...rest } = args;
      const url = args.config.metadataServiceUrl;
      if (serviceSecretsFrom === undefined || args.serviceSecrets !== undefined || url === undefined) return saved.save(rest);
      return saved.save({ ...rest, serviceSecrets: await importedServiceSecrets(env, serviceSecretsFrom, url) });
    },
    'workspace.remove': async ({ id }) => {
      const removed = await saved.remove(id);
      // Only once it is gone: a failed removal keeps the workspace and everything kept for it.
      if (removed) await forgetSaved(id);
      return { removed };
    },
    'workspace.connect': async ({ id }) => {
      const stored = await saved.get(id);
      const info = await workspaces.connect(savedWorkspaceInput(stored), { savedId: id, name: stored.config.name });
      events.emit('workspace.opened', info);
      return info;
    },
    'workspace.useSysroot': async ({ id, sysroot, path }) => {
      const input = workspaces.input(id);
      if (input?.kind === 'local' && path !== undefined) await allowWorkspacePaths(localAccess, { ...input, path });
      // The schema gives exactly one of the two.
      const info = await workspaces.useSysroot(id, sysroot ?? { path: path ?? '' });
      events.emit('workspace.opened', info);
      return info;
    },
    'workspace.get': ({ id }) => Promise.resolve(workspaces.get(id).info),
    'workspace.import': async () => ({ candidates: await importWorkspaces(env) }),
    'workspace.openSample': () => samples.open(),
    'settings.get': () => settings.get(),
    'settings.set': (next) => settings.set(next),
  };
}

/** A workspace opened from an imported source: its service secrets read here, in main, from that source. */
async function withImportedSecrets<T extends { metadataService?: { url: string; secrets?: object; secretsFrom?: string } }>(input: T, env: Env): Promise<T> {
  const service = input.metadataService;
  if (service?.secretsFrom === undefined) return input;
  const { secretsFrom, ...rest } = service;
  const secrets = rest.secrets ?? (await importedServiceSecrets(env, secretsFrom, service.url));
  return { ...input, metadataService: { ...rest, secrets } };
}
