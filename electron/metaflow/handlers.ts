import type { HandlersFor } from '../ipc/router.js';
import type { MetaflowChannel } from '../../shared/channels/metaflow.js';
import type { SettingsStore } from '../settings/settings-store.js';
import type { WorkspaceRegistry } from '../workspace/workspace-registry.js';
import type { CardRegistry } from './card-registry.js';
import { listCards, readCard } from './cards.js';
import { serviceOf, withServiceSummary } from './service/service-detail.js';
import { detailWithStaleness, listWithStaleness, staleAfterMs, withStaleness } from './staleness.js';
import { artifactTiers } from './artifact-tiers.js';

export interface MetaflowDeps {
  workspaces: WorkspaceRegistry;
  cards: CardRegistry;
  /** For the app-wide stale threshold. */
  settings: SettingsStore;
}

export function metaflowHandlers({ workspaces, cards, settings }: MetaflowDeps): HandlersFor<MetaflowChannel> {
  const threshold = async (workspaceId: string) => staleAfterMs(workspaces.get(workspaceId).staleAfterHours ?? (await settings.get()).staleAfterHours);
  return {
    'metaflow.list': ({ workspaceId, ...path }) => workspaces.get(workspaceId).metaflow.list(path),
    'metaflow.flowSummary': async ({ workspaceId, flow }) => {
      const summary = await workspaces.get(workspaceId).indexed.flowSummary(flow);
      const latest = summary.latest && withStaleness(summary.latest, await threshold(workspaceId), Date.now());
      return { ...summary, latest };
    },
    'metaflow.runs': async ({ workspaceId, flow, query }) => {
      const ws = workspaces.get(workspaceId);
      // A service's runs carry their liveness from heartbeats; the datastore's stale threshold is for runs without.
      if (ws.service) return ws.service.list(flow, query);
      return listWithStaleness(await ws.indexed.list(flow), await threshold(workspaceId), Date.now());
    },
    'metaflow.run': async ({ workspaceId, flow, run }) => {
      const ws = workspaces.get(workspaceId);
      if (ws.service) return withServiceSummary(await ws.indexed.detail(flow, run), await ws.service.service.summary(flow, run));
      return detailWithStaleness(await ws.indexed.detail(flow, run), await threshold(workspaceId), Date.now());
    },
    'metaflow.tags': ({ workspaceId, flow, run, add, remove }) => serviceOf(workspaces, workspaceId).mutateTags(flow, run, add, remove),
    'metaflow.task': async ({ workspaceId, ...ref }) => {
      const ws = workspaces.get(workspaceId);
      const [task, found] = await Promise.all([ws.runs.task(ref), listCards(ws.cards.store, ws.cards.prefix, ref)]);
      return { ...task, cards: found };
    },
    'metaflow.artifact': async ({ workspaceId, name, full, ...ref }) => workspaces.get(workspaceId).runs.artifact(ref, name, full === true),
    'metaflow.artifactTier': ({ workspaceId, name, ...ref }) => workspaces.get(workspaceId).runs.artifactTier(ref, name),
    'metaflow.artifactTiers': ({ workspaceId, names, ...ref }) => artifactTiers(workspaces.get(workspaceId).runs, ref, names),
    'metaflow.rehydrate': ({ workspaceId, name, tier, priority, ...ref }) => workspaces.get(workspaceId).runs.rehydrate(ref, name, tier, priority),
    'metaflow.artifactFile': ({ workspaceId, name, format, ...ref }) => workspaces.get(workspaceId).runs.artifactFile(ref, name, format),
    'metaflow.logs': ({ workspaceId, stream, ...ref }) => workspaces.get(workspaceId).runs.logs(ref, stream),
    'metaflow.card': async ({ workspaceId, file, ...ref }) => {
      const ws = workspaces.get(workspaceId);
      return { cardId: cards.put(await readCard(ws.cards.store, ws.cards.prefix, ref, file)) };
    },
  };
}
